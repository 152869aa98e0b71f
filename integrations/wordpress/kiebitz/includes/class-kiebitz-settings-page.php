<?php
/**
 * Settings → Kiebitz.
 *
 * @package Kiebitz
 */

defined( 'ABSPATH' ) || exit;

/**
 * The settings page: the Kiebitz server's address, the site, the key, the
 * comment-section mode, and a button that tests the connection.
 */
class Kiebitz_Settings_Page {

	const SLUG        = 'kiebitz';
	const TEST_ACTION = 'kiebitz_test_connection';

	/**
	 * Hooks into WordPress.
	 */
	public static function register() {
		add_action( 'admin_menu', array( __CLASS__, 'add_page' ) );
		add_action( 'admin_init', array( __CLASS__, 'register_settings' ) );
		add_action( 'admin_post_' . self::TEST_ACTION, array( __CLASS__, 'test_connection' ) );
	}

	/**
	 * Adds the page under Settings.
	 */
	public static function add_page() {
		add_options_page( __( 'Kiebitz', 'kiebitz' ), __( 'Kiebitz', 'kiebitz' ), 'manage_options', self::SLUG, array( __CLASS__, 'render' ) );
	}

	/**
	 * The two options the page saves, each cleaned on the way in.
	 */
	public static function register_settings() {
		register_setting( self::SLUG, Kiebitz_Options::OPTION, array( 'sanitize_callback' => array( __CLASS__, 'sanitize' ) ) );
		if ( ! defined( 'WPCOM_API_KEY' ) ) {
			register_setting( self::SLUG, 'wordpress_api_key', array( 'sanitize_callback' => array( __CLASS__, 'sanitize_key' ) ) );
		}
	}

	/**
	 * Cleans the settings as typed.
	 *
	 * @param mixed $input The form's fields.
	 * @return array
	 */
	public static function sanitize( $input ) {
		$input = is_array( $input ) ? $input : array();
		$url   = isset( $input['url'] ) ? esc_url_raw( trim( $input['url'] ), array( 'http', 'https' ) ) : '';
		$site  = isset( $input['site'] ) ? sanitize_key( $input['site'] ) : '';
		if ( isset( $input['url'] ) && '' !== trim( $input['url'] ) && '' === $url ) {
			add_settings_error( Kiebitz_Options::OPTION, 'kiebitz_url', __( 'The Kiebitz address must start with https:// or http://.', 'kiebitz' ) );
		}
		return array(
			'url'             => untrailingslashit( $url ),
			'site'            => $site,
			'comment_section' => ! empty( $input['comment_section'] ),
		);
	}

	/**
	 * Keeps a key as Akismet's settings page does: lower case letters and digits.
	 *
	 * @param mixed $key The key as typed.
	 * @return string
	 */
	public static function sanitize_key( $key ) {
		return preg_replace( '/[^a-z0-9]/', '', strtolower( (string) $key ) );
	}

	/**
	 * Asks Kiebitz whether the saved key is valid, and shows the answer on the page.
	 */
	public static function test_connection() {
		if ( ! current_user_can( 'manage_options' ) ) {
			wp_die( esc_html__( 'You may not change these settings.', 'kiebitz' ), 403 );
		}
		check_admin_referer( self::TEST_ACTION );
		$response = Kiebitz_Client::akismet( 'verify-key', array() );
		if ( is_wp_error( $response ) ) {
			/* translators: %s: the error, as WordPress's HTTP API reports it */
			$result = array( 'error', sprintf( __( 'Kiebitz cannot be reached: %s', 'kiebitz' ), $response->get_error_message() ) );
		} elseif ( 'valid' === trim( wp_remote_retrieve_body( $response ) ) ) {
			$result = array( 'success', __( 'Connected: Kiebitz accepts this key.', 'kiebitz' ) );
		} elseif ( 'invalid' === trim( wp_remote_retrieve_body( $response ) ) ) {
			$result = array( 'error', __( 'Kiebitz answers, but does not know this key. Make one with: kiebitz akismet key add --site URL', 'kiebitz' ) );
		} else {
			/* translators: %d: HTTP status code */
			$result = array( 'error', sprintf( __( 'This address does not answer as Kiebitz does (HTTP %d). Is it the Kiebitz server?', 'kiebitz' ), wp_remote_retrieve_response_code( $response ) ) );
		}
		set_transient( 'kiebitz_test_' . get_current_user_id(), $result, 60 );
		wp_safe_redirect( admin_url( 'options-general.php?page=' . self::SLUG ) );
		exit;
	}

	/**
	 * The page.
	 */
	public static function render() {
		$options = Kiebitz_Options::all();
		$test    = get_transient( 'kiebitz_test_' . get_current_user_id() );
		if ( $test ) {
			delete_transient( 'kiebitz_test_' . get_current_user_id() );
		}
		include KIEBITZ_PLUGIN_DIR . 'templates/settings-page.php';
	}
}

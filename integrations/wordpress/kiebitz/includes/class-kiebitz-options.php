<?php
/**
 * The plugin's settings, in one place.
 *
 * @package Kiebitz
 */

defined( 'ABSPATH' ) || exit;

/**
 * Reads the settings. The key is Akismet's own option (`wordpress_api_key`), so
 * that a key typed into either settings page is the one both plugins send.
 */
class Kiebitz_Options {

	const OPTION = 'kiebitz_settings';

	/**
	 * The saved settings, with defaults for those never saved.
	 *
	 * @return array{url: string, site: string, comment_section: bool}
	 */
	public static function all() {
		$saved = get_option( self::OPTION, array() );
		return wp_parse_args(
			is_array( $saved ) ? $saved : array(),
			array(
				'url'             => '',
				'site'            => '',
				'comment_section' => false,
			)
		);
	}

	/**
	 * The Kiebitz server's address without a trailing slash, or '' when not set.
	 *
	 * @return string
	 */
	public static function url() {
		return untrailingslashit( self::all()['url'] );
	}

	/**
	 * The Kiebitz site this blog's threads belong to ('' for the server's default site).
	 *
	 * @return string
	 */
	public static function site() {
		return self::all()['site'];
	}

	/**
	 * Whether the theme's comment section is replaced by Kiebitz's.
	 *
	 * @return bool
	 */
	public static function comment_section() {
		return (bool) self::all()['comment_section'] && '' !== self::url();
	}

	/**
	 * The Akismet API key for Kiebitz, shared with the Akismet plugin.
	 *
	 * @return string
	 */
	public static function key() {
		if ( defined( 'WPCOM_API_KEY' ) ) {
			return (string) constant( 'WPCOM_API_KEY' );
		}
		return (string) get_option( 'wordpress_api_key', '' );
	}

	/**
	 * Whether the Akismet plugin is active and does the checking itself.
	 *
	 * @return bool
	 */
	public static function akismet_active() {
		return class_exists( 'Akismet' );
	}
}

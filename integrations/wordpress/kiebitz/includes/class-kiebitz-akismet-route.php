<?php
/**
 * Sends the Akismet plugin's requests to Kiebitz.
 *
 * @package Kiebitz
 */

defined( 'ABSPATH' ) || exit;

/**
 * Routes every request for rest.akismet.com (and a key's subdomain of it) to the
 * Kiebitz server, through core's `pre_http_request` filter, so the Akismet plugin
 * works unchanged and no comment leaves for a third party.
 */
class Kiebitz_Akismet_Route {

	/**
	 * Hooks into WordPress.
	 */
	public static function register() {
		add_filter( 'pre_http_request', array( __CLASS__, 'route' ), 10, 3 );
		add_filter( 'akismet_comment_form_privacy_notice_markup', array( __CLASS__, 'privacy_notice' ) );
	}

	/**
	 * Answers a request for Akismet with Kiebitz's answer; leaves any other request alone.
	 *
	 * @param false|array|WP_Error $response A response another filter made, or false.
	 * @param array                $args     The request's arguments.
	 * @param string               $url      The address asked for.
	 * @return false|array|WP_Error
	 */
	public static function route( $response, $args, $url ) {
		$kiebitz = Kiebitz_Options::url();
		$host    = wp_parse_url( $url, PHP_URL_HOST );
		if ( false !== $response || '' === $kiebitz || ! $host || ! preg_match( '/(^|\.)rest\.akismet\.com$/', $host ) ) {
			return $response;
		}
		$path  = (string) wp_parse_url( $url, PHP_URL_PATH );
		$query = (string) wp_parse_url( $url, PHP_URL_QUERY );
		if ( isset( $args['headers']['Host'] ) ) {
			unset( $args['headers']['Host'] ); // Akismet names its own host; Kiebitz's is in the address.
		}
		$checking = '/1.1/comment-check' === $path;
		if ( $checking && isset( $args['body'] ) ) {
			$args['body'] = Kiebitz_Verdict::ask( $args['body'] );
		}
		$answer = wp_remote_request( $kiebitz . $path . ( '' !== $query ? '?' . $query : '' ), $args );
		if ( $checking ) {
			Kiebitz_Verdict::note( $answer );
		}
		return $answer;
	}

	/**
	 * The notice under the comment form, when a site shows Akismet's, names Kiebitz instead.
	 *
	 * @return string
	 */
	public static function privacy_notice() {
		$policy = get_privacy_policy_url();
		$text   = __( 'This site checks comments for spam on its own server (Kiebitz); no comment data is passed to third parties.', 'kiebitz' );
		if ( $policy ) {
			$text .= sprintf( ' <a href="%s">%s</a>', esc_url( $policy ), esc_html__( 'Learn how your comment data is processed.', 'kiebitz' ) );
		}
		return '<p class="akismet_comment_form_privacy_notice">' . $text . '</p>';
	}
}

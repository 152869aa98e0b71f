<?php
/**
 * Requests to the Kiebitz server.
 *
 * @package Kiebitz
 */

defined( 'ABSPATH' ) || exit;

/**
 * Speaks to Kiebitz: its Akismet API for checks and reports, its public API for counts.
 */
class Kiebitz_Client {

	/**
	 * Calls one of Kiebitz's Akismet endpoints (`comment-check`, `verify-key`, ...).
	 *
	 * @param string $path   Endpoint under /1.1/.
	 * @param array  $fields Form fields; key and blog are added.
	 * @param string $key    Key to send, the saved one when empty.
	 * @return array|WP_Error The HTTP response, or why there is none.
	 */
	public static function akismet( $path, array $fields, $key = '' ) {
		$url = Kiebitz_Options::url();
		if ( '' === $url ) {
			return new WP_Error( 'kiebitz_no_url', __( 'The Kiebitz address is not set.', 'kiebitz' ) );
		}
		$fields = array_merge(
			array(
				'key'  => '' !== $key ? $key : Kiebitz_Options::key(),
				'blog' => get_option( 'home' ),
			),
			$fields
		);
		return wp_remote_post(
			$url . '/1.1/' . $path,
			array(
				'body'    => $fields,
				'timeout' => 10,
				'headers' => array( 'User-Agent' => self::user_agent() ),
			)
		);
	}

	/**
	 * Published comment counts of many pages in one request.
	 *
	 * @param string[] $uris Page paths, as the widget sends them.
	 * @return array<string, int>|WP_Error Counts by path.
	 */
	public static function counts( array $uris ) {
		$url = Kiebitz_Options::url() . '/api/counts';
		if ( '' !== Kiebitz_Options::site() ) {
			$url = add_query_arg( 'site', rawurlencode( Kiebitz_Options::site() ), $url );
		}
		$response = wp_remote_post(
			$url,
			array(
				'body'    => wp_json_encode( array_values( $uris ) ),
				'timeout' => 3,
				'headers' => array(
					'Content-Type' => 'application/json',
					'User-Agent'   => self::user_agent(),
				),
			)
		);
		if ( is_wp_error( $response ) ) {
			return $response;
		}
		$counts = json_decode( wp_remote_retrieve_body( $response ), true );
		if ( 200 !== wp_remote_retrieve_response_code( $response ) || ! is_array( $counts ) ) {
			return new WP_Error( 'kiebitz_counts', wp_remote_retrieve_body( $response ) );
		}
		return array_map( 'intval', $counts );
	}

	/**
	 * A thread's published comments as HTML (Kiebitz's /html/thread), for readers without JavaScript and search engines.
	 *
	 * @param string $uri  Thread path.
	 * @param string $lang 'de' or 'en'.
	 * @return string HTML, or '' when Kiebitz does not answer.
	 */
	public static function thread_html( $uri, $lang ) {
		$query = array(
			'uri'  => rawurlencode( $uri ),
			'lang' => $lang,
		);
		if ( '' !== Kiebitz_Options::site() ) {
			$query['site'] = rawurlencode( Kiebitz_Options::site() );
		}
		$response = wp_remote_get(
			add_query_arg( $query, Kiebitz_Options::url() . '/html/thread' ),
			array(
				'timeout' => 2,
				'headers' => array( 'User-Agent' => self::user_agent() ),
			)
		);
		if ( is_wp_error( $response ) || 200 !== wp_remote_retrieve_response_code( $response ) ) {
			return '';
		}
		return wp_remote_retrieve_body( $response );
	}

	/**
	 * What Kiebitz sees in its logs: this WordPress and this plugin.
	 *
	 * @return string
	 */
	private static function user_agent() {
		return sprintf( 'WordPress/%s | Kiebitz/0.1.0', get_bloginfo( 'version' ) );
	}
}

<?php
/**
 * Leaves a comment pending when Kiebitz would hold it.
 *
 * @package Kiebitz
 */

defined( 'ABSPATH' ) || exit;

/**
 * Akismet answers only "spam" or "not spam", and WordPress publishes what is not
 * spam. Kiebitz's own comment section also holds comments for a moderator: text
 * unlike anything its filter learned from, a doubtful score, more links than
 * allowed. To such a "false" Kiebitz adds the header X-Kiebitz-Hold, and the
 * comment waits in WordPress's queue instead of being published.
 */
class Kiebitz_Hold {

	/**
	 * Whether Kiebitz's last answer on the comment being saved asked to hold it.
	 *
	 * @var bool
	 */
	private static $hold = false;

	/**
	 * Hooks into WordPress, after Akismet's and our own decision (spam stays spam).
	 */
	public static function register() {
		add_filter( 'pre_comment_approved', array( __CLASS__, 'approval' ), 100 );
		add_action( 'comment_post', array( __CLASS__, 'forget' ) );
	}

	/**
	 * Notes Kiebitz's answer to a comment-check.
	 *
	 * @param array|WP_Error $response The answer.
	 */
	public static function note( $response ) {
		self::$hold = ! is_wp_error( $response ) && 'true' === wp_remote_retrieve_header( $response, 'x-kiebitz-hold' );
	}

	/**
	 * A comment WordPress would publish waits for a moderator when Kiebitz asked to hold it.
	 *
	 * @param int|string|WP_Error $approved WordPress's decision so far (1, 0, 'spam', 'trash').
	 * @return int|string|WP_Error
	 */
	public static function approval( $approved ) {
		if ( self::$hold && ! is_wp_error( $approved ) && 1 === (int) $approved ) {
			return 0;
		}
		return $approved;
	}

	/**
	 * The answer belongs to one comment only.
	 */
	public static function forget() {
		self::$hold = false;
	}
}

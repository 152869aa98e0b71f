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
 * comment waits in WordPress's queue instead of being published. Told that the
 * site can hold (the field kiebitz_can_hold), Kiebitz also holds a link flood
 * rather than sending it to the spam folder, as its own section does. A moderator's
 * approval of it is a lesson, as in Kiebitz's own admin: it is reported as
 * "not spam" (the Akismet plugin reports only comments leaving the spam folder).
 */
class Kiebitz_Hold {

	const META = 'kiebitz_held';

	const FIELD = 'kiebitz_can_hold';

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
		add_action( 'comment_post', array( __CLASS__, 'remember' ) );
		add_action( 'transition_comment_status', array( __CLASS__, 'report_approval' ), 10, 3 );
	}

	/**
	 * A comment-check's body (the Akismet plugin's query string, or our fields) saying the site can hold.
	 *
	 * @param string|array $body The request's body.
	 * @return string|array
	 */
	public static function ask( $body ) {
		if ( is_array( $body ) ) {
			$body[ self::FIELD ] = '1';
			return $body;
		}
		return ( '' === (string) $body ? '' : $body . '&' ) . self::FIELD . '=1';
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
	 * Marks a comment held for Kiebitz; the answer belongs to this comment only.
	 *
	 * @param int $comment_id The new comment.
	 */
	public static function remember( $comment_id ) {
		if ( self::$hold ) {
			update_comment_meta( $comment_id, self::META, '1' );
		}
		self::$hold = false;
	}

	/**
	 * A moderator approving a comment Kiebitz held tells Kiebitz it was not spam.
	 *
	 * @param string     $new_status The comment's new status.
	 * @param string     $old_status Its status before.
	 * @param WP_Comment $comment    The comment.
	 */
	public static function report_approval( $new_status, $old_status, $comment ) {
		if ( 'approved' !== $new_status || 'unapproved' !== $old_status || ! get_comment_meta( $comment->comment_ID, self::META, true ) ) {
			return;
		}
		if ( ! current_user_can( 'moderate_comments' ) ) {
			return;
		}
		delete_comment_meta( $comment->comment_ID, self::META );
		$fields               = Kiebitz_Spam_Check::fields( get_object_vars( $comment ) );
		$fields['user_agent'] = $comment->comment_agent;
		Kiebitz_Client::akismet( 'submit-ham', $fields );
	}
}

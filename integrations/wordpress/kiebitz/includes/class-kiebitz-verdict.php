<?php
/**
 * What Kiebitz says beyond Akismet's "spam" or "not spam": hold, and why.
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
 * site can hold (the field kiebitz_can_hold), Kiebitz also holds a link flood,
 * a repeat of other readers' words that its model reads as harmless, and what
 * its model takes for spam but which gives no way to reach its sender (no link,
 * website, phone number or e-mail address), rather than sending them to the spam
 * folder, as its own section does. A moderator's
 * approval of it is a lesson, as in Kiebitz's own admin: it is reported as
 * "not spam" (the Akismet plugin reports only comments leaving the spam folder).
 *
 * With a held or spam answer come the score and the strongest reasons
 * (X-Kiebitz-Score, X-Kiebitz-Why), shown in the comment list's Kiebitz column.
 * What Kiebitz holds though its model takes it for spam (X-Kiebitz-Likely-Spam)
 * sends the moderators no "Please moderate" mail: in Akismet's spam folder it
 * would have sent none either, and a wave of it would bury their inbox.
 */
class Kiebitz_Verdict {

	const META = 'kiebitz_held';

	const WHY = 'kiebitz_why';

	const FIELD = 'kiebitz_can_hold';

	/**
	 * Whether Kiebitz's last answer on the comment being saved asked to hold it.
	 *
	 * @var bool
	 */
	private static $hold = false;

	/**
	 * Whether that answer held the comment though Kiebitz's model takes it for spam.
	 *
	 * @var bool
	 */
	private static $likely_spam = false;

	/**
	 * The score and reasons of that answer, when it held the comment or called it spam.
	 *
	 * @var array|null
	 */
	private static $why = null;

	/**
	 * Hooks into WordPress, after Akismet's and our own decision (spam stays spam).
	 */
	public static function register() {
		add_filter( 'pre_comment_approved', array( __CLASS__, 'approval' ), 100 );
		add_action( 'comment_post', array( __CLASS__, 'remember' ) );
		add_filter( 'notify_moderator', array( __CLASS__, 'notify_moderator' ) );
		add_action( 'transition_comment_status', array( __CLASS__, 'report_approval' ), 10, 3 );
		add_filter( 'manage_edit-comments_columns', array( __CLASS__, 'add_column' ) );
		add_action( 'manage_comments_custom_column', array( __CLASS__, 'column' ), 10, 2 );
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
		self::$hold        = false;
		self::$likely_spam = false;
		self::$why         = null;
		if ( is_wp_error( $response ) ) {
			return;
		}
		self::$hold        = 'true' === wp_remote_retrieve_header( $response, 'x-kiebitz-hold' );
		self::$likely_spam = self::$hold && 'true' === wp_remote_retrieve_header( $response, 'x-kiebitz-likely-spam' );
		$score             = wp_remote_retrieve_header( $response, 'x-kiebitz-score' );
		if ( is_numeric( $score ) ) {
			self::$why = array(
				'score'   => (float) $score,
				'reasons' => rawurldecode( (string) wp_remote_retrieve_header( $response, 'x-kiebitz-why' ) ),
			);
		}
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
	 * No "Please moderate" mail for a comment Kiebitz held as likely spam. WordPress asks on comment_post
	 * (wp_new_comment_notify_moderator, hooked before any plugin's), before remember() forgets the answer.
	 *
	 * @param bool $notify Whether WordPress would mail the moderators.
	 * @return bool
	 */
	public static function notify_moderator( $notify ) {
		return $notify && ! self::$likely_spam;
	}

	/**
	 * Keeps with the new comment whether Kiebitz held it and why; the answer belongs to this comment only.
	 *
	 * @param int $comment_id The new comment.
	 */
	public static function remember( $comment_id ) {
		if ( self::$hold ) {
			update_comment_meta( $comment_id, self::META, '1' );
		}
		if ( null !== self::$why ) {
			update_comment_meta( $comment_id, self::WHY, self::$why );
		}
		self::$hold        = false;
		self::$likely_spam = false;
		self::$why         = null;
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
		Kiebitz_Client::akismet( 'submit-ham', Kiebitz_Spam_Check::fields_of_stored( $comment ) );
	}

	/**
	 * The comment list's Kiebitz column.
	 *
	 * @param array $columns The list's columns.
	 * @return array
	 */
	public static function add_column( $columns ) {
		$columns['kiebitz'] = esc_html__( 'Kiebitz says', 'kiebitz' );
		return $columns;
	}

	/**
	 * Why Kiebitz held a comment or called it spam, in the moderator's words of the filter.
	 *
	 * @param string $column     The column being shown.
	 * @param int    $comment_id The comment in the row.
	 */
	public static function column( $column, $comment_id ) {
		if ( 'kiebitz' !== $column ) {
			return;
		}
		$why = get_comment_meta( $comment_id, self::WHY, true );
		if ( ! is_array( $why ) || ! isset( $why['score'], $why['reasons'] ) ) {
			return;
		}
		printf(
			/* translators: 1: how likely spam, in percent; 2: the filter's strongest reasons */
			esc_html__( '%1$s %% spam: %2$s', 'kiebitz' ),
			esc_html( number_format_i18n( 100 * (float) $why['score'] ) ),
			esc_html( $why['reasons'] )
		);
	}
}

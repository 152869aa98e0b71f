<?php
/**
 * Checks comments through Kiebitz when the Akismet plugin is not active.
 *
 * @package Kiebitz
 */

defined( 'ABSPATH' ) || exit;

/**
 * Does what the Akismet plugin would: asks Kiebitz's Akismet API about each new
 * comment, puts spam in WordPress's spam folder and reports a moderator's "Spam"
 * and "Not spam" back, so the filter learns. Nothing is ever thrown away: when
 * Kiebitz cannot be reached the comment waits for a moderator.
 */
class Kiebitz_Spam_Check {

	const META = 'kiebitz_result';

	/**
	 * What Kiebitz said about the comment being saved: 'true', 'false' or 'error'.
	 *
	 * @var string|null
	 */
	private static $last_result = null;

	/**
	 * Hooks into WordPress (after plugins load, to know whether Akismet is there).
	 */
	public static function register() {
		add_action( 'plugins_loaded', array( __CLASS__, 'hook_unless_akismet' ) );
	}

	/**
	 * Akismet, when active, checks and reports itself (through the route); otherwise we do.
	 */
	public static function hook_unless_akismet() {
		if ( Kiebitz_Options::akismet_active() || '' === Kiebitz_Options::url() ) {
			return;
		}
		add_filter( 'preprocess_comment', array( __CLASS__, 'check' ), 1 );
		add_filter( 'pre_comment_approved', array( __CLASS__, 'approval' ), 99 );
		add_action( 'comment_post', array( __CLASS__, 'remember' ) );
		add_action( 'transition_comment_status', array( __CLASS__, 'report' ), 10, 3 );
	}

	/**
	 * Asks Kiebitz about a new comment.
	 *
	 * @param array $comment The comment WordPress is about to save.
	 * @return array The comment, unchanged.
	 */
	public static function check( $comment ) {
		$fields = self::fields( wp_unslash( $comment ) );
		if ( isset( $_SERVER['HTTP_USER_AGENT'] ) ) {
			$fields['user_agent'] = sanitize_text_field( wp_unslash( $_SERVER['HTTP_USER_AGENT'] ) );
		}
		if ( isset( $_SERVER['HTTP_REFERER'] ) ) {
			$fields['referrer'] = esc_url_raw( wp_unslash( $_SERVER['HTTP_REFERER'] ) );
		}
		$user = wp_get_current_user();
		if ( $user->exists() && in_array( 'administrator', (array) $user->roles, true ) ) {
			$fields['user_role'] = 'administrator';
		}
		$response          = Kiebitz_Client::akismet( 'comment-check', Kiebitz_Verdict::ask( $fields ) );
		$answer            = is_wp_error( $response ) ? '' : trim( wp_remote_retrieve_body( $response ) );
		self::$last_result = in_array( $answer, array( 'true', 'false' ), true ) ? $answer : 'error';
		Kiebitz_Verdict::note( $response );
		return $comment;
	}

	/**
	 * Spam goes to the spam folder (never discarded); an unanswered check waits for a moderator.
	 *
	 * @param int|string|WP_Error $approved WordPress's own decision (1, 0, 'spam', 'trash').
	 * @return int|string|WP_Error
	 */
	public static function approval( $approved ) {
		if ( is_wp_error( $approved ) || 'trash' === $approved || 'spam' === $approved ) {
			return $approved;
		}
		if ( 'true' === self::$last_result ) {
			return 'spam';
		}
		if ( 'error' === self::$last_result ) {
			return 0;
		}
		return $approved;
	}

	/**
	 * Keeps Kiebitz's answer with the comment, shown to moderators and used for reports.
	 *
	 * @param int $comment_id The new comment.
	 */
	public static function remember( $comment_id ) {
		if ( null !== self::$last_result ) {
			update_comment_meta( $comment_id, self::META, self::$last_result );
			self::$last_result = null;
		}
	}

	/**
	 * A moderator's "Spam" or "Not spam" teaches Kiebitz.
	 *
	 * @param string     $new_status The comment's new status.
	 * @param string     $old_status Its status before.
	 * @param WP_Comment $comment    The comment.
	 */
	public static function report( $new_status, $old_status, $comment ) {
		if ( $new_status === $old_status ) {
			return;
		}
		if ( 'spam' === $new_status ) {
			$path = 'submit-spam';
		} elseif ( 'spam' === $old_status && in_array( $new_status, array( 'approved', 'unapproved' ), true ) ) {
			$path = 'submit-ham';
		} else {
			return;
		}
		Kiebitz_Client::akismet( $path, self::fields_of_stored( $comment ) );
	}

	/**
	 * The Akismet API's fields of a saved comment, for a report: its user agent as stored.
	 *
	 * @param WP_Comment $comment The comment.
	 * @return array<string, string>
	 */
	public static function fields_of_stored( $comment ) {
		$fields               = self::fields( get_object_vars( $comment ) );
		$fields['user_agent'] = $comment->comment_agent;
		return $fields;
	}

	/**
	 * The Akismet API's fields of a comment.
	 *
	 * @param array $comment A comment's fields as WordPress names them.
	 * @return array<string, string>
	 */
	private static function fields( array $comment ) {
		$post = isset( $comment['comment_post_ID'] ) ? get_post( (int) $comment['comment_post_ID'] ) : null;
		$ip   = isset( $comment['comment_author_IP'] ) ? $comment['comment_author_IP'] : ( isset( $_SERVER['REMOTE_ADDR'] ) ? sanitize_text_field( wp_unslash( $_SERVER['REMOTE_ADDR'] ) ) : '' );
		return array(
			'user_ip'              => $ip,
			'permalink'            => $post ? get_permalink( $post ) : '',
			'comment_type'         => empty( $comment['comment_type'] ) ? 'comment' : $comment['comment_type'],
			'comment_author'       => isset( $comment['comment_author'] ) ? $comment['comment_author'] : '',
			'comment_author_email' => isset( $comment['comment_author_email'] ) ? $comment['comment_author_email'] : '',
			'comment_author_url'   => isset( $comment['comment_author_url'] ) ? $comment['comment_author_url'] : '',
			'comment_content'      => isset( $comment['comment_content'] ) ? $comment['comment_content'] : '',
			'blog_lang'            => get_locale(),
			'blog_charset'         => get_option( 'blog_charset' ),
		);
	}
}

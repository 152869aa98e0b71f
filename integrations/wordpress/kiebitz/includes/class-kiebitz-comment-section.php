<?php
/**
 * Kiebitz's comment section in place of the theme's.
 *
 * @package Kiebitz
 */

defined( 'ABSPATH' ) || exit;

/**
 * When the site owner chooses it, every post's comment section is Kiebitz's
 * widget (the post's permalink path is its thread): in a classic theme through
 * `comments_template`, in a block theme in place of the Comments block. The comment
 * counts are Kiebitz's published counts, fetched for a whole page of posts in
 * one request and kept for a minute.
 */
class Kiebitz_Comment_Section {

	const COUNT_CACHE_SECONDS = 60;
	const HTML_CACHE_SECONDS  = 30;

	/**
	 * Counts fetched during this request, by thread path.
	 *
	 * @var array<string, int>
	 */
	private static $counts = array();

	/**
	 * Hooks into WordPress.
	 */
	public static function register() {
		add_filter( 'comments_template', array( __CLASS__, 'template' ), 99 );
		add_filter( 'render_block', array( __CLASS__, 'block' ), 10, 2 );
		add_filter( 'the_posts', array( __CLASS__, 'prefetch_counts' ) );
		add_filter( 'get_comments_number', array( __CLASS__, 'count' ), 10, 2 );
		add_action( 'wp_enqueue_scripts', array( __CLASS__, 'stylesheet' ) );
	}

	/**
	 * The thread's path for a post: what the widget and `kiebitz import` call its uri.
	 *
	 * @param int|WP_Post $post The post.
	 * @return string Path and query of the permalink.
	 */
	public static function uri( $post ) {
		$parts = wp_parse_url( get_permalink( $post ) );
		$path  = isset( $parts['path'] ) ? $parts['path'] : '/';
		return $path . ( isset( $parts['query'] ) ? '?' . $parts['query'] : '' );
	}

	/**
	 * Our template instead of the theme's comments.php.
	 *
	 * @param string $theme_template The theme's template.
	 * @return string
	 */
	public static function template( $theme_template ) {
		return Kiebitz_Options::comment_section() ? KIEBITZ_PLUGIN_DIR . 'templates/comments.php' : $theme_template;
	}

	/**
	 * The block themes' Comments block (and its older Post Comments) becomes Kiebitz's section.
	 *
	 * @param string $content The block's HTML.
	 * @param array  $block   The block, with its name.
	 * @return string
	 */
	public static function block( $content, $block ) {
		if ( ! Kiebitz_Options::comment_section() || ! in_array( $block['blockName'], array( 'core/comments', 'core/post-comments' ), true ) ) {
			return $content;
		}
		$post = get_post();
		return $post ? self::markup( $post ) : $content;
	}

	/**
	 * The section the widget fills, and the widget's script from the Kiebitz server.
	 *
	 * @param WP_Post $post The post the thread belongs to.
	 * @return string HTML.
	 */
	public static function markup( $post ) {
		if ( post_password_required( $post ) ) {
			return '';
		}
		$site   = Kiebitz_Options::site();
		$uri    = self::uri( $post );
		$served = self::thread_html( $uri );
		if ( '' === $served ) {
			$served = '<noscript><p>' . esc_html__( 'The comments need JavaScript.', 'kiebitz' ) . '</p></noscript>';
		} elseif ( isset( $_GET['kiebitz_held'] ) ) { // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only shows a note.
			$served = '<p class="kb-held-note" role="status">' . esc_html__( 'Thank you! Your comment will appear once it has been approved.', 'kiebitz' ) . '</p>' . $served;
		}
		return sprintf(
			'<section id="kiebitz-thread" class="comments-area" data-kiebitz-uri="%1$s" data-title="%2$s">%3$s</section>'
			. '<script src="%4$s" async%5$s></script>', // phpcs:ignore WordPress.WP.EnqueuedResources.NonEnqueuedScript -- the Kiebitz server's script, with its data attribute.
			esc_attr( $uri ),
			esc_attr( wp_strip_all_tags( get_the_title( $post ) ) ),
			$served, // Kiebitz's own sanitised HTML, or our escaped note.
			esc_url( Kiebitz_Options::url() . '/js/embed.js' ),
			'' !== $site ? ' data-kiebitz-site="' . esc_attr( $site ) . '"' : ''
		);
	}

	/**
	 * The published thread as HTML from Kiebitz, with its plain form, kept for half a minute:
	 * readers without JavaScript and search engines see the comments (and can write one);
	 * the widget takes its place.
	 *
	 * @param string $uri Thread path.
	 * @return string
	 */
	private static function thread_html( $uri ) {
		$lang  = 'de' === substr( get_locale(), 0, 2 ) ? 'de' : 'en';
		$cache = 'kiebitz_html_' . md5( Kiebitz_Options::site() . "\n" . $uri . "\n" . $lang );
		$html  = get_transient( $cache );
		if ( false === $html || self::back_from_the_form() ) {
			$html = Kiebitz_Client::thread_html( $uri, $lang );
			set_transient( $cache, $html, self::HTML_CACHE_SECONDS );
		}
		return $html;
	}

	/**
	 * Whether the reader comes back from the plain form (?kiebitz_comment=N or ?kiebitz_held=1):
	 * then the thread and its count are fetched fresh, so the new comment shows.
	 *
	 * @return bool
	 */
	private static function back_from_the_form() {
		return isset( $_GET['kiebitz_comment'] ) || isset( $_GET['kiebitz_held'] ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only reads fresh.
	}

	/**
	 * The widget's stylesheet, so that the served comments look like the widget's before it loads, or without it.
	 */
	public static function stylesheet() {
		if ( Kiebitz_Options::comment_section() && is_singular() ) {
			wp_enqueue_style( 'kiebitz', Kiebitz_Options::url() . '/js/embed.css', array(), null ); // phpcs:ignore WordPress.WP.EnqueuedResourceParameters.MissingVersion -- the server's file, revalidated by its ETag.
		}
	}

	/**
	 * Fetches the counts of a list of posts at once, before the theme asks post by post.
	 *
	 * @param WP_Post[] $posts The posts of a query.
	 * @return WP_Post[] The same posts.
	 */
	public static function prefetch_counts( $posts ) {
		if ( ! Kiebitz_Options::comment_section() || is_admin() || empty( $posts ) ) {
			return $posts;
		}
		$missing = array();
		foreach ( $posts as $post ) {
			$uri    = self::uri( $post );
			$cached = self::back_from_the_form() ? false : get_transient( self::cache_key( $uri ) );
			if ( false === $cached ) {
				$missing[] = $uri;
			} else {
				self::$counts[ $uri ] = (int) $cached;
			}
		}
		if ( $missing ) {
			self::fetch( $missing );
		}
		return $posts;
	}

	/**
	 * Kiebitz's count in place of WordPress's own.
	 *
	 * @param int $count   WordPress's count.
	 * @param int $post_id The post.
	 * @return int
	 */
	public static function count( $count, $post_id ) {
		if ( ! Kiebitz_Options::comment_section() ) {
			return $count;
		}
		$uri = self::uri( $post_id );
		if ( ! isset( self::$counts[ $uri ] ) ) {
			$cached = get_transient( self::cache_key( $uri ) );
			if ( false !== $cached ) {
				self::$counts[ $uri ] = (int) $cached;
			} else {
				self::fetch( array( $uri ) );
			}
		}
		return isset( self::$counts[ $uri ] ) ? self::$counts[ $uri ] : $count;
	}

	/**
	 * Asks Kiebitz for counts and keeps them; on failure the theme shows WordPress's own.
	 *
	 * @param string[] $uris Thread paths.
	 */
	private static function fetch( array $uris ) {
		$counts = Kiebitz_Client::counts( $uris );
		if ( is_wp_error( $counts ) ) {
			return;
		}
		foreach ( $uris as $uri ) {
			self::$counts[ $uri ] = isset( $counts[ $uri ] ) ? $counts[ $uri ] : 0;
			set_transient( self::cache_key( $uri ), self::$counts[ $uri ], self::COUNT_CACHE_SECONDS );
		}
	}

	/**
	 * The transient that keeps a thread's count (names are limited to 172 characters).
	 *
	 * @param string $uri Thread path.
	 * @return string
	 */
	private static function cache_key( $uri ) {
		return 'kiebitz_count_' . md5( Kiebitz_Options::site() . "\n" . $uri );
	}
}

<?php
/**
 * Comments → Move to Kiebitz.
 *
 * @package Kiebitz
 */

defined( 'ABSPATH' ) || exit;

/**
 * Walks a site owner through moving the existing comments: download WordPress's
 * export (WXR), import it into Kiebitz, then check that the counts agree.
 */
class Kiebitz_Move_Page {

	const SLUG = 'kiebitz-move';

	/**
	 * At most this many posts are compared with Kiebitz on the page.
	 */
	const POSTS_COMPARED = 500;

	/**
	 * Hooks into WordPress.
	 */
	public static function register() {
		add_action( 'admin_menu', array( __CLASS__, 'add_page' ) );
	}

	/**
	 * Adds the page under Comments.
	 */
	public static function add_page() {
		add_comments_page( __( 'Move to Kiebitz', 'kiebitz' ), __( 'Move to Kiebitz', 'kiebitz' ), 'export', self::SLUG, array( __CLASS__, 'render' ) );
	}

	/**
	 * Published comments per thread here and in Kiebitz, for the posts with the most comments.
	 *
	 * @return array{posts: int, here: int, kiebitz: int|null}
	 */
	public static function comparison() {
		$posts = get_posts(
			array(
				'post_type'      => 'any',
				'post_status'    => 'publish',
				'posts_per_page' => self::POSTS_COMPARED,
				'orderby'        => 'comment_count',
				'order'          => 'DESC',
				'no_found_rows'  => true,
			)
		);
		$here = array();
		foreach ( $posts as $post ) {
			$approved = (int) get_comments(
				array(
					'post_id' => $post->ID,
					'status'  => 'approve',
					'type'    => 'comment',
					'count'   => true,
				)
			);
			if ( $approved > 0 ) {
				$here[ Kiebitz_Comment_Section::uri( $post ) ] = $approved;
			}
		}
		$kiebitz = null;
		if ( $here && '' !== Kiebitz_Options::url() ) {
			$counts  = Kiebitz_Client::counts( array_keys( $here ) );
			$kiebitz = is_wp_error( $counts ) ? null : array_sum( array_intersect_key( $counts, $here ) );
		}
		return array(
			'posts'   => count( $here ),
			'here'    => array_sum( $here ),
			'kiebitz' => $kiebitz,
		);
	}

	/**
	 * The page.
	 */
	public static function render() {
		$comparison = self::comparison();
		$export_url = admin_url( 'export.php?download=true&content=all' );
		$import_url = '' !== Kiebitz_Options::url() ? Kiebitz_Options::url() . '/admin/import' : '';
		$site       = '' !== Kiebitz_Options::site() ? Kiebitz_Options::site() : 'default';
		include KIEBITZ_PLUGIN_DIR . 'templates/move-page.php';
	}
}

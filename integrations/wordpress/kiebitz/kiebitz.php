<?php
/**
 * Plugin Name:       Kiebitz
 * Description:       Self-hosted spam filter and comment section: routes the Akismet plugin to your own Kiebitz server, checks comments itself when Akismet is off, and can replace the theme's comments with Kiebitz's.
 * Version:           0.1.0
 * Requires at least: 6.0
 * Requires PHP:      7.4
 * License:           AGPL-3.0-or-later
 * Text Domain:       kiebitz
 * Domain Path:       /languages
 *
 * @package Kiebitz
 */

defined( 'ABSPATH' ) || exit;

define( 'KIEBITZ_PLUGIN_DIR', plugin_dir_path( __FILE__ ) );

require_once KIEBITZ_PLUGIN_DIR . 'includes/class-kiebitz-options.php';
require_once KIEBITZ_PLUGIN_DIR . 'includes/class-kiebitz-client.php';
require_once KIEBITZ_PLUGIN_DIR . 'includes/class-kiebitz-akismet-route.php';
require_once KIEBITZ_PLUGIN_DIR . 'includes/class-kiebitz-spam-check.php';
require_once KIEBITZ_PLUGIN_DIR . 'includes/class-kiebitz-verdict.php';
require_once KIEBITZ_PLUGIN_DIR . 'includes/class-kiebitz-comment-section.php';
require_once KIEBITZ_PLUGIN_DIR . 'includes/class-kiebitz-settings-page.php';
require_once KIEBITZ_PLUGIN_DIR . 'includes/class-kiebitz-move-page.php';

add_action(
	'init',
	static function () {
		load_plugin_textdomain( 'kiebitz', false, dirname( plugin_basename( __FILE__ ) ) . '/languages' );
	}
);

Kiebitz_Akismet_Route::register();
Kiebitz_Spam_Check::register();
Kiebitz_Verdict::register();
Kiebitz_Comment_Section::register();
Kiebitz_Settings_Page::register();
Kiebitz_Move_Page::register();

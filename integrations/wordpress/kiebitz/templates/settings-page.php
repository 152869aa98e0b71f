<?php
/**
 * Settings → Kiebitz. Variables: $options (the saved settings), $test (the last connection test, or false).
 *
 * @package Kiebitz
 */

defined( 'ABSPATH' ) || exit;
?>
<div class="wrap">
	<h1><?php esc_html_e( 'Kiebitz', 'kiebitz' ); ?></h1>
	<p><?php esc_html_e( 'Kiebitz checks comments for spam on your own server. With an address and a key, the Akismet plugin talks to Kiebitz instead of Akismet; without the Akismet plugin, this plugin checks every comment itself.', 'kiebitz' ); ?></p>
	<?php if ( $test ) : ?>
		<div id="kiebitz-test-result" class="notice notice-<?php echo esc_attr( $test[0] ); ?>"><p><?php echo esc_html( $test[1] ); ?></p></div>
	<?php endif; ?>
	<?php settings_errors( Kiebitz_Options::OPTION ); ?>
	<form method="post" action="options.php">
		<?php settings_fields( Kiebitz_Settings_Page::SLUG ); ?>
		<table class="form-table" role="presentation">
			<tr>
				<th scope="row"><label for="kiebitz-url"><?php esc_html_e( 'Kiebitz address', 'kiebitz' ); ?></label></th>
				<td>
					<input type="url" id="kiebitz-url" class="regular-text code" name="<?php echo esc_attr( Kiebitz_Options::OPTION ); ?>[url]" value="<?php echo esc_attr( $options['url'] ); ?>" placeholder="https://comments.example.org">
					<p class="description"><?php esc_html_e( 'Where your Kiebitz server answers, as readers\' browsers reach it.', 'kiebitz' ); ?></p>
				</td>
			</tr>
			<tr>
				<th scope="row"><label for="kiebitz-key"><?php esc_html_e( 'Key', 'kiebitz' ); ?></label></th>
				<td>
					<?php if ( defined( 'WPCOM_API_KEY' ) ) : ?>
						<code><?php echo esc_html( Kiebitz_Options::key() ); ?></code>
						<p class="description"><?php esc_html_e( 'Set in wp-config.php (WPCOM_API_KEY).', 'kiebitz' ); ?></p>
					<?php else : ?>
						<input type="text" id="kiebitz-key" class="regular-text code" name="wordpress_api_key" value="<?php echo esc_attr( Kiebitz_Options::key() ); ?>" autocomplete="off" spellcheck="false">
						<p class="description"><?php esc_html_e( 'Made on the Kiebitz server with: kiebitz akismet key add --site YOUR-SITE-URL. It is also the Akismet plugin\'s key.', 'kiebitz' ); ?></p>
					<?php endif; ?>
				</td>
			</tr>
			<tr>
				<th scope="row"><label for="kiebitz-site"><?php esc_html_e( 'Site name', 'kiebitz' ); ?></label></th>
				<td>
					<input type="text" id="kiebitz-site" class="regular-text code" name="<?php echo esc_attr( Kiebitz_Options::OPTION ); ?>[site]" value="<?php echo esc_attr( $options['site'] ); ?>">
					<p class="description"><?php esc_html_e( 'When one Kiebitz serves several sites: this site\'s name there. Empty for the server\'s default site.', 'kiebitz' ); ?></p>
				</td>
			</tr>
			<tr>
				<th scope="row"><?php esc_html_e( 'Comment section', 'kiebitz' ); ?></th>
				<td>
					<label for="kiebitz-comment-section">
						<input type="checkbox" id="kiebitz-comment-section" name="<?php echo esc_attr( Kiebitz_Options::OPTION ); ?>[comment_section]" value="1" <?php checked( $options['comment_section'] ); ?>>
						<?php esc_html_e( 'Show Kiebitz\'s comment section instead of the theme\'s, and Kiebitz\'s comment counts', 'kiebitz' ); ?>
					</label>
					<p class="description"><?php esc_html_e( 'Add this site\'s address to the allowed origins on the Kiebitz server, and move the existing comments there first (Comments → Move to Kiebitz).', 'kiebitz' ); ?></p>
				</td>
			</tr>
		</table>
		<?php submit_button(); ?>
	</form>
	<form method="post" action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>">
		<input type="hidden" name="action" value="<?php echo esc_attr( Kiebitz_Settings_Page::TEST_ACTION ); ?>">
		<?php wp_nonce_field( Kiebitz_Settings_Page::TEST_ACTION ); ?>
		<?php submit_button( __( 'Test connection', 'kiebitz' ), 'secondary', 'kiebitz-test', false ); ?>
	</form>
</div>

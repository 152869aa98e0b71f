<?php
/**
 * Comments → Move to Kiebitz. Variables: $comparison, $export_url, $import_url, $site.
 *
 * @package Kiebitz
 */

defined( 'ABSPATH' ) || exit;
?>
<div class="wrap">
	<h1><?php esc_html_e( 'Move to Kiebitz', 'kiebitz' ); ?></h1>
	<p><?php esc_html_e( 'Your comments move in three steps. Nothing is deleted here: WordPress keeps its comments, so you can go back at any time.', 'kiebitz' ); ?></p>
	<ol>
		<li>
			<p><strong><?php esc_html_e( 'Download WordPress\'s export.', 'kiebitz' ); ?></strong>
			<?php esc_html_e( 'The file (WXR) holds your posts with their comments, including those held for moderation; WordPress leaves spam out.', 'kiebitz' ); ?></p>
			<p><a class="button button-primary" href="<?php echo esc_url( $export_url ); ?>"><?php esc_html_e( 'Download export file', 'kiebitz' ); ?></a></p>
		</li>
		<li>
			<p><strong><?php esc_html_e( 'Import it into Kiebitz.', 'kiebitz' ); ?></strong>
			<?php esc_html_e( 'Either upload it on Kiebitz\'s import page, or on the Kiebitz server run:', 'kiebitz' ); ?></p>
			<p><code>kiebitz import wordpress.xml --site <?php echo esc_html( $site ); ?></code></p>
			<p><?php esc_html_e( 'Importing twice adds nothing twice. Approved comments also teach the spam filter (leave that out with --no-learn).', 'kiebitz' ); ?></p>
			<?php if ( $import_url ) : ?>
				<p><a class="button" href="<?php echo esc_url( $import_url ); ?>" target="_blank" rel="noopener"><?php esc_html_e( 'Open Kiebitz\'s import page', 'kiebitz' ); ?></a></p>
			<?php endif; ?>
		</li>
		<li>
			<p><strong><?php esc_html_e( 'Check and switch.', 'kiebitz' ); ?></strong>
			<?php esc_html_e( 'When the counts below agree, turn on Kiebitz\'s comment section in Settings → Kiebitz.', 'kiebitz' ); ?></p>
		</li>
	</ol>
	<h2><?php esc_html_e( 'Published comments', 'kiebitz' ); ?></h2>
	<table class="widefat striped" id="kiebitz-comparison" style="max-width: 40em">
		<tbody>
			<tr>
				<th scope="row"><?php esc_html_e( 'In WordPress', 'kiebitz' ); ?></th>
				<td>
					<?php
					/* translators: %s: number of comments */
					echo esc_html( sprintf( _n( '%s comment', '%s comments', $comparison['here'], 'kiebitz' ), number_format_i18n( $comparison['here'] ) ) . ' ' );
					/* translators: %s: number of posts */
					echo esc_html( sprintf( _n( 'on %s post', 'on %s posts', $comparison['posts'], 'kiebitz' ), number_format_i18n( $comparison['posts'] ) ) );
					?>
				</td>
			</tr>
			<tr>
				<th scope="row"><?php esc_html_e( 'In Kiebitz, on the same posts', 'kiebitz' ); ?></th>
				<td>
					<?php
					if ( null === $comparison['kiebitz'] ) {
						esc_html_e( 'not known (set Kiebitz\'s address in Settings → Kiebitz)', 'kiebitz' );
					} else {
						/* translators: %s: number of comments */
						echo esc_html( sprintf( _n( '%s comment', '%s comments', $comparison['kiebitz'], 'kiebitz' ), number_format_i18n( $comparison['kiebitz'] ) ) );
					}
					?>
				</td>
			</tr>
		</tbody>
	</table>
</div>

<?php
/**
 * The comment section of a post in a classic theme: Kiebitz's widget.
 *
 * @package Kiebitz
 */

defined( 'ABSPATH' ) || exit;

echo Kiebitz_Comment_Section::markup( get_post() ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped where it is built.

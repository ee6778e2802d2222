<?php
/**
 * WordPress's own password code, from Debian's wordpress package, as the independent
 * reference for the phpass and "$wp" vectors of vectors/password-hashes.json. Used by
 * generate-hash-vectors.php and by the extension's WordPressHashVectorsTest.
 *
 * - wp-includes/class-phpass.php (phpass 0.5 as WordPress ships it) is always there: every
 *   Debian release has the package (scripts/debian-packages.txt, scripts/trixie-packages.txt).
 * - wp_hash_password() / wp_check_password() of wp-includes/pluggable.php know "$wp" hashes
 *   from WordPress 6.8 (Debian 13); Debian 12 ships 6.1, whose functions predate the format.
 *
 * Nothing here falls back to a copy: a missing package is an error, so a machine without it
 * fails the test instead of passing it on the project's own transcription.
 *
 * @file
 */

/** Where Debian installs WordPress; WORDPRESS_PATH for another tree. */
function wordpressPath(): string {
	return getenv( 'WORDPRESS_PATH' ) ?: '/usr/share/wordpress';
}

function wordpressMissing( string $file ): string {
	return "$file is missing: install Debian's wordpress package (scripts/debian-packages.txt)";
}

/** Loads WordPress's PasswordHash class, or throws naming the package to install. */
function wordpressRequirePhpass(): void {
	$file = wordpressPath() . '/wp-includes/class-phpass.php';
	if ( !is_file( $file ) ) {
		throw new RuntimeException( wordpressMissing( $file ) );
	}
	require_once $file;
}

/** The installed WordPress's version, from its version.php. */
function wordpressVersion(): string {
	$file = wordpressPath() . '/wp-includes/version.php';
	if ( !is_file( $file ) ) {
		throw new RuntimeException( wordpressMissing( $file ) );
	}
	// version.php only assigns variables; read them in this function's scope.
	require $file;
	/** @var string $wp_version */
	return $wp_version;
}

/**
 * Loads wp_hash_password() and wp_check_password() when the installed WordPress writes "$wp"
 * hashes (6.8 or later) and says whether it did. pluggable.php only defines functions; the two
 * used here need ABSPATH/WPINC (to load class-phpass.php) and apply_filters(), which without
 * plugins returns the value it is given.
 */
function wordpressLoadPasswordFunctions(): bool {
	if ( version_compare( wordpressVersion(), '6.8', '<' ) ) {
		return false;
	}
	if ( !function_exists( 'wp_check_password' ) ) {
		wordpressRequirePhpass();
		if ( !defined( 'ABSPATH' ) ) {
			define( 'ABSPATH', wordpressPath() . '/' );
		}
		if ( !defined( 'WPINC' ) ) {
			define( 'WPINC', 'wp-includes' );
		}
		if ( !function_exists( 'apply_filters' ) ) {
			function apply_filters( $hookName, $value ) {
				return $value;
			}
		}
		require_once wordpressPath() . '/wp-includes/pluggable.php';
	}
	return true;
}

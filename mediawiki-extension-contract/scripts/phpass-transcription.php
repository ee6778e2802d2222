<?php
/**
 * phpass portable hashes ($P$, $H$) for the vector generators: neither WordPress's
 * class-phpass.php nor Debian's libphp-phpass is installed here (`apt-cache search phpass`
 * finds nothing), so these are a transcription of crypt_private() of the phpass 0.5 reference
 * (Solar Designer, public domain), as WordPress, Joomla 3, phpBB 3 and Drupal 7 ship it.
 *
 * @file
 */

const PHPASS_ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** phpass encode64(): its own little-endian base-64 over 6-bit groups. */
function phpassEncode64( string $input, int $count ): string {
	$output = '';
	$i = 0;
	do {
		$value = ord( $input[$i++] );
		$output .= PHPASS_ITOA64[$value & 0x3f];
		if ( $i < $count ) {
			$value |= ord( $input[$i] ) << 8;
		}
		$output .= PHPASS_ITOA64[( $value >> 6 ) & 0x3f];
		if ( $i++ >= $count ) {
			break;
		}
		if ( $i < $count ) {
			$value |= ord( $input[$i] ) << 16;
		}
		$output .= PHPASS_ITOA64[( $value >> 12 ) & 0x3f];
		if ( $i++ >= $count ) {
			break;
		}
		$output .= PHPASS_ITOA64[( $value >> 18 ) & 0x3f];
	} while ( $i < $count );
	return $output;
}

/** phpass crypt_private(): the portable hash, "$P$" or "$H$", count char, 8 salt chars, 22 hash chars. */
function phpassCryptPrivate( string $password, string $setting ): string {
	$output = '*0';
	if ( substr( $setting, 0, 2 ) === $output ) {
		$output = '*1';
	}
	$id = substr( $setting, 0, 3 );
	if ( $id !== '$P$' && $id !== '$H$' ) {
		return $output;
	}
	$countLog2 = strpos( PHPASS_ITOA64, $setting[3] );
	if ( $countLog2 < 7 || $countLog2 > 30 ) {
		return $output;
	}
	$count = 1 << $countLog2;
	$salt = substr( $setting, 4, 8 );
	if ( strlen( $salt ) !== 8 ) {
		return $output;
	}
	$hash = md5( $salt . $password, true );
	do {
		$hash = md5( $hash . $password, true );
	} while ( --$count );
	return substr( $setting, 0, 12 ) . phpassEncode64( $hash, 16 );
}

/** phpass gensalt_private() with its iteration count; WordPress uses 8 (2^8 rounds). */
// generate-hash-vectors.php brings WordPress's own PasswordHash under this name; standalone
// (the preset e2e's fixtures) this transcription stands in.
if ( !function_exists( 'phpassHash' ) ) {
	function phpassHash( string $password, string $id, int $countLog2 ): string {
		$setting = $id . PHPASS_ITOA64[min( $countLog2, 30 )] . phpassEncode64( random_bytes( 6 ), 6 );
		return phpassCryptPrivate( $password, $setting );
	}
}

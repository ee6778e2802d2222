<?php

namespace MediaWiki\Extension\AuthBridge\Sso;

use MediaWiki\Extension\AuthBridge\Generated\ContractConstants;

/**
 * Verifies single-sign-on tickets and logout tokens: compact JWS, Ed25519 only (SPEC.md,
 * "Single sign-on"). The algorithm is pinned: the header's `alg` is compared with "EdDSA" and
 * never used to choose how to verify, so `alg: none` and HS256-with-the-public-key cannot pass.
 * Pure PHP (sodium); no MediaWiki state, so PHPUnit runs the contract vectors straight on it.
 */
class TicketVerifier {
	// The contract's values (contract.constants.json), under the names the extension uses.
	public const ALG = ContractConstants::SSO_ALG;
	public const TYP_TICKET = ContractConstants::SSO_TICKET_TYP;
	public const TYP_LOGOUT = ContractConstants::SSO_LOGOUT_TYP;
	public const LEEWAY = ContractConstants::SSO_LEEWAY_SECONDS;
	public const MAX_LIFETIME = ContractConstants::SSO_MAX_TICKET_TTL_SECONDS;
	/** How long the API keeps a retired key in its JWKS: a token signed just before rotation, plus the leeway. */
	public const RETIRED_KEY_PUBLISHED = self::MAX_LIFETIME + self::LEEWAY;
	/**
	 * How long the wiki keeps the JWKS (the API's max-age says the same): a retired key verifies
	 * here at most ROTATION_WINDOW seconds after `sso keys rotate` (SPEC.md, "Keys").
	 */
	public const JWKS_MAX_AGE = ContractConstants::SSO_JWKS_MAX_AGE_SECONDS;
	public const ROTATION_WINDOW = self::RETIRED_KEY_PUBLISHED + self::JWKS_MAX_AGE;
	private const MAX_LENGTH = ContractConstants::SSO_TOKEN_MAX_LENGTH;

	/** @var string[] kid => Ed25519 public key (base64url, the JWK's x) */
	private $keys;
	/** @var string */
	private $issuer;
	/** @var string */
	private $audience;

	/**
	 * @param string[] $keys kid => x
	 * @param string $issuer expected `iss`
	 * @param string $audience this wiki's id ($wgAuthBridgeWikiId)
	 */
	public function __construct( array $keys, string $issuer, string $audience ) {
		$this->keys = $keys;
		$this->issuer = $issuer;
		$this->audience = $audience;
	}

	/**
	 * @param array $jwks a JWK Set as /.well-known/jwks.json serves it
	 * @return string[] kid => x of the usable Ed25519 keys; anything else is skipped
	 */
	public static function keysFromJwks( array $jwks ): array {
		$keys = [];
		foreach ( (array)( $jwks['keys'] ?? [] ) as $jwk ) {
			if ( is_array( $jwk )
				&& ( $jwk['kty'] ?? null ) === 'OKP' && ( $jwk['crv'] ?? null ) === 'Ed25519'
				&& ( $jwk['alg'] ?? self::ALG ) === self::ALG
				&& is_string( $jwk['kid'] ?? null ) && is_string( $jwk['x'] ?? null )
				&& strlen( self::decode( $jwk['x'] ) ?? '' ) === SODIUM_CRYPTO_SIGN_PUBLICKEYBYTES
			) {
				$keys[$jwk['kid']] = $jwk['x'];
			}
		}
		return $keys;
	}

	/**
	 * The kid a token names, without trusting anything else in it: lets the caller refresh
	 * its key cache when a key it has not seen yet turns up after a rotation.
	 *
	 * @param string $token
	 * @return string|null
	 */
	public static function peekKid( string $token ): ?string {
		$header = json_decode( self::decode( explode( '.', $token )[0] ) ?? '', true );
		return is_array( $header ) && is_string( $header['kid'] ?? null ) ? $header['kid'] : null;
	}

	/**
	 * @param string $token
	 * @param string $typ TYP_TICKET or TYP_LOGOUT
	 * @param int $now seconds since the epoch
	 * @return array the claims
	 * @throws TicketException
	 */
	public function verify( string $token, string $typ, int $now ): array {
		if ( strlen( $token ) > self::MAX_LENGTH ) {
			throw new TicketException( TicketException::INVALID, 'too long' );
		}
		$parts = explode( '.', $token );
		if ( count( $parts ) !== 3 || in_array( '', $parts, true ) ) {
			throw new TicketException( TicketException::INVALID, 'not a compact JWS' );
		}
		$header = self::decodeObject( $parts[0] );
		if ( ( $header['alg'] ?? null ) !== self::ALG ) {
			throw new TicketException( TicketException::INVALID, 'algorithm is not EdDSA' );
		}
		if ( ( $header['typ'] ?? null ) !== $typ ) {
			throw new TicketException( TicketException::INVALID, "typ is not $typ" );
		}
		if ( array_key_exists( 'crit', $header ) ) {
			throw new TicketException( TicketException::INVALID, 'crit is not supported' );
		}
		$kid = $header['kid'] ?? null;
		$x = is_string( $kid ) ? ( $this->keys[$kid] ?? null ) : null;
		if ( $x === null ) {
			throw new TicketException( TicketException::INVALID, 'unknown kid' );
		}
		$signature = self::decode( $parts[2] );
		$publicKey = self::decode( $x );
		if ( $signature === null || strlen( $signature ) !== SODIUM_CRYPTO_SIGN_BYTES
			|| $publicKey === null || strlen( $publicKey ) !== SODIUM_CRYPTO_SIGN_PUBLICKEYBYTES
			|| !sodium_crypto_sign_verify_detached( $signature, $parts[0] . '.' . $parts[1], $publicKey )
		) {
			throw new TicketException( TicketException::INVALID, 'bad signature' );
		}

		$claims = self::decodeObject( $parts[1] );
		if ( ( $claims['iss'] ?? null ) !== $this->issuer ) {
			throw new TicketException( TicketException::INVALID, 'wrong issuer' );
		}
		if ( !is_string( $claims['aud'] ?? null ) ) {
			throw new TicketException( TicketException::INVALID, 'aud is not one string' );
		}
		if ( $claims['aud'] !== $this->audience ) {
			throw new TicketException( TicketException::AUDIENCE, 'issued for another wiki' );
		}
		if ( !is_string( $claims['sub'] ?? null ) || $claims['sub'] === '' ) {
			throw new TicketException( TicketException::INVALID, 'no subject' );
		}
		if ( !is_string( $claims['jti'] ?? null )
			|| !preg_match( ContractConstants::SSO_JTI_PATTERN, $claims['jti'] )
		) {
			throw new TicketException( TicketException::INVALID, 'no usable jti' );
		}
		$iat = $claims['iat'] ?? null;
		$exp = $claims['exp'] ?? null;
		$nbf = $claims['nbf'] ?? null;
		if ( !is_int( $iat ) || !is_int( $exp ) || ( $nbf !== null && !is_int( $nbf ) ) ) {
			throw new TicketException( TicketException::INVALID, 'iat, exp or nbf is not a number' );
		}
		if ( $exp <= $iat || $exp - $iat > self::MAX_LIFETIME ) {
			throw new TicketException( TicketException::INVALID, 'lifetime out of bounds' );
		}
		if ( $iat > $now + self::LEEWAY || ( $nbf !== null && $nbf > $now + self::LEEWAY ) ) {
			throw new TicketException( TicketException::INVALID, 'not valid yet' );
		}
		if ( $exp <= $now - self::LEEWAY ) {
			throw new TicketException( TicketException::EXPIRED, 'expired' );
		}
		return $claims;
	}

	/**
	 * Strict RFC 7515 base64url: the URL-safe alphabet, no padding, no 4n+1 length and zero
	 * unused bits in the last character, so one token has one spelling (vectors
	 * signature-pad-bits, signature-dangling-character). libsodium already refuses non-zero pad
	 * bits; the re-encoding check keeps that true whatever decoder a PHP build brings.
	 */
	private static function decode( string $part ): ?string {
		if ( !preg_match( '/^[A-Za-z0-9_-]*$/', $part ) || strlen( $part ) % 4 === 1 ) {
			return null;
		}
		try {
			$bytes = sodium_base642bin( $part, SODIUM_BASE64_VARIANT_URLSAFE_NO_PADDING );
		} catch ( \SodiumException $e ) {
			return null;
		}
		return sodium_bin2base64( $bytes, SODIUM_BASE64_VARIANT_URLSAFE_NO_PADDING ) === $part ? $bytes : null;
	}

	/**
	 * @param string $part
	 * @return array
	 * @throws TicketException
	 */
	private static function decodeObject( string $part ): array {
		$json = self::decode( $part );
		$value = $json === null ? null : json_decode( $json, true );
		if ( !is_array( $value ) || ( $value !== [] && array_is_list( $value ) ) ) {
			throw new TicketException( TicketException::INVALID, 'a part is not a JSON object' );
		}
		return $value;
	}
}

<?php
/**
 * Shared bits of the example website: settings, the PHP session, and calls to the AuthBridge
 * identity API with the website's own client credential (scopes auth:verify, sso:issue).
 *
 * Settings come from the environment (or edit the defaults):
 *   AUTHBRIDGE_API_URL     e.g. http://127.0.0.1:8080
 *   AUTHBRIDGE_API_SECRET  abk_... from `npm run cli -- clients create --name website --scopes auth:verify,sso:issue --forwards-end-user-address`
 *   AUTHBRIDGE_WIKI_ID     the wiki's $wgAuthBridgeWikiId
 *   AUTHBRIDGE_WIKI_URL    $wgServer + $wgScriptPath of the wiki, for "Go to the wiki" and the "not logged in" answer
 *   WEBSITE_HTTPS          1 when a proxy in front ends TLS (cookies get Secure); detected without a proxy
 */

declare( strict_types=1 );

function setting( string $name, string $default = '' ): string {
	$value = getenv( $name );
	return $value === false || $value === '' ? $default : $value;
}

/**
 * Whether the browser reached this site over HTTPS, so its cookies get `Secure`. `$_SERVER['HTTPS']`
 * is set by Apache, nginx (fastcgi_params) and Caddy; behind a proxy that ends TLS, set
 * WEBSITE_HTTPS=1. X-Forwarded-Proto is not read: any client can send it.
 */
function served_over_https(): bool {
	if ( setting( 'WEBSITE_HTTPS' ) === '1' ) {
		return true;
	}
	$https = (string)( $_SERVER['HTTPS'] ?? '' );
	return $https !== '' && strtolower( $https ) !== 'off';
}

/**
 * Over HTTPS the cookie is `__Host-` prefixed: the browser then takes it only with Secure,
 * Path=/ and no Domain, so another host of the same site cannot plant or overwrite it.
 */
function session_cookie_name(): string {
	return served_over_https() ? '__Host-website_session' : 'website_session';
}

/** HttpOnly: scripts (an XSS) cannot read it. SameSite=Lax, not Strict: see the README. */
function session_cookie_params(): array {
	return [ 'httponly' => true, 'samesite' => 'Lax', 'secure' => served_over_https(), 'path' => '/' ];
}

/**
 * Resumes the browser's session. Only the login form ($create) starts a new one, so a request
 * without the cookie (a cross-site POST: SameSite keeps the cookie away) never gets a session.
 */
function start_session( bool $create = false ): bool {
	// An id this server did not issue is replaced, never adopted (session fixation).
	ini_set( 'session.use_strict_mode', '1' );
	ini_set( 'session.use_only_cookies', '1' );
	session_name( session_cookie_name() );
	session_set_cookie_params( session_cookie_params() );
	// The forms here must not be framed by another site (clickjacking the login or logout button).
	header( "Content-Security-Policy: frame-ancestors 'none'" );
	header( 'X-Frame-Options: DENY' );
	if ( !$create && !isset( $_COOKIE[ session_name() ] ) ) {
		$_SESSION = [];
		return false;
	}
	session_start();
	return true;
}

/** Ends the session on the server and in the browser. */
function end_session(): void {
	$_SESSION = [];
	if ( session_status() === PHP_SESSION_ACTIVE ) {
		session_destroy();
	}
	setcookie( session_cookie_name(), '', [ 'expires' => 1 ] + session_cookie_params() );
}

/**
 * The session's CSRF token, made on first use: every form that changes state (login, logout)
 * carries it, and a POST without it is refused, so another site cannot submit them.
 */
function csrf_token(): string {
	if ( !isset( $_SESSION['csrf'] ) || !is_string( $_SESSION['csrf'] ) ) {
		$_SESSION['csrf'] = bin2hex( random_bytes( 32 ) );
	}
	return $_SESSION['csrf'];
}

function csrf_valid(): bool {
	$expected = $_SESSION['csrf'] ?? null;
	$sent = $_POST['csrf'] ?? null;
	return is_string( $expected ) && $expected !== '' && is_string( $sent ) && hash_equals( $expected, $sent );
}

/**
 * 403 for a form that did not come from this website's own page (or outlived its session).
 * An anonymous session is dropped, so a forged login leaves no session behind; a logged-in one
 * stays, or a forged logout POST would log the person out.
 */
function refuse_forged_form( string $formUrl ): void {
	if ( current_user() === null && session_status() === PHP_SESSION_ACTIVE ) {
		end_session();
	}
	http_response_code( 403 );
	header( 'Cache-Control: no-store' );
	echo '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Form refused — Example website</title></head><body>'
		. '<h1 id="forbidden">This form was refused</h1>'
		. '<p>It did not come from this website\'s own page, or the page was open too long. Nothing was changed. '
		. 'Open <a href="' . h( $formUrl ) . '">the form</a> again and send it from there.</p></body></html>';
	exit;
}

function current_user(): ?string {
	return isset( $_SESSION['username'] ) && is_string( $_SESSION['username'] ) ? $_SESSION['username'] : null;
}

function h( string $text ): string {
	return htmlspecialchars( $text, ENT_QUOTES, 'UTF-8' );
}

function redirect( string $url ): void {
	header( 'Location: ' . $url, true, 302 );
	exit;
}

/**
 * One JSON call to the identity API. Returns [ HTTP status, decoded body ]; status 0 when the
 * API did not answer. The secret goes only into the Authorization header, never into a log.
 */
function api( string $method, string $path, ?array $body = null ): array {
	$ch = curl_init( rtrim( setting( 'AUTHBRIDGE_API_URL', 'http://127.0.0.1:8080' ), '/' ) . $path );
	$headers = [ 'Authorization: Bearer ' . setting( 'AUTHBRIDGE_API_SECRET' ), 'Accept: application/json' ];
	if ( $body !== null ) {
		$headers[] = 'Content-Type: application/json';
		curl_setopt( $ch, CURLOPT_POSTFIELDS, json_encode( $body ) );
	}
	curl_setopt_array( $ch, [
		CURLOPT_CUSTOMREQUEST => $method,
		CURLOPT_HTTPHEADER => $headers,
		CURLOPT_RETURNTRANSFER => true,
		CURLOPT_TIMEOUT => 5,
		CURLOPT_FOLLOWLOCATION => false,
	] );
	$text = curl_exec( $ch );
	$status = (int)curl_getinfo( $ch, CURLINFO_RESPONSE_CODE );
	curl_close( $ch );
	return [ $status, is_string( $text ) ? json_decode( $text, true ) : null ];
}

/** A page of the wiki (Special:AuthBridgeLogin and its query), always under the configured wiki URL. */
function wiki_url( array $query ): string {
	return rtrim( setting( 'AUTHBRIDGE_WIKI_URL' ), '/' ) . '/index.php?' . http_build_query( $query );
}

/**
 * Where "Go to the wiki" points: the wiki starts the hand-off itself, so it can set a nonce
 * cookie in this browser and send it back here (go-to-wiki.php?nonce=…) for the ticket.
 */
function wiki_start_url( ?string $returnTo = null ): string {
	return wiki_url( [ 'title' => 'Special:AuthBridgeLogin', 'start' => '1', 'returnto' => (string)$returnTo ] );
}

/**
 * The hand-off to the wiki: ask the identity API for a one-time ticket for the logged-in
 * user, bound to the browser by the wiki's `nonce`, and send the browser to the wiki's
 * Special:AuthBridgeLogin. The wiki checks the ticket and the nonce and logs the person in
 * itself, setting its own cookies. This replaces scripts that log in to the wiki with curl
 * and copy its cookies into the browser.
 */
function go_to_wiki( string $username, ?string $returnTo, string $nonce ): void {
	$request = [
		'username' => $username,
		'remember' => !empty( $_SESSION['remember'] ),
		'audience' => setting( 'AUTHBRIDGE_WIKI_ID' ),
		'nonce' => $nonce,
	];
	if ( $returnTo !== null && $returnTo !== '' ) {
		$request['returnTo'] = $returnTo;
	}
	[ $status, $answer ] = api( 'POST', '/v1/sso/tickets', $request );
	if ( $status !== 201 || !is_string( $answer['loginUrl'] ?? null ) ) {
		http_response_code( 502 );
		echo '<p>The wiki login is not available right now (' . h( (string)( $answer['code'] ?? $status ) ) . ').</p>';
		exit;
	}
	redirect( $answer['loginUrl'] );
}

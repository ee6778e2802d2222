<?php
/**
 * Shared bits of the example website: settings, the PHP session, and calls to the AuthBridge
 * identity API with the website's own client credential (scopes auth:verify, sso:issue).
 *
 * Settings come from the environment (or edit the defaults):
 *   AUTHBRIDGE_API_URL     e.g. http://127.0.0.1:8080
 *   AUTHBRIDGE_API_SECRET  abk_... from `npm run cli -- clients create --name website --scopes auth:verify,sso:issue`
 *   AUTHBRIDGE_WIKI_ID     the wiki's $wgAuthBridgeWikiId
 *   AUTHBRIDGE_WIKI_URL    $wgServer + $wgScriptPath of the wiki, for "Go to the wiki" and the "not logged in" answer
 */

declare( strict_types=1 );

function setting( string $name, string $default = '' ): string {
	$value = getenv( $name );
	return $value === false || $value === '' ? $default : $value;
}

function start_session(): void {
	session_name( 'website_session' );
	session_set_cookie_params( [ 'httponly' => true, 'samesite' => 'Lax', 'path' => '/' ] );
	session_start();
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

<?php
/**
 * Logs out of the website and, through the identity API's back channel, out of every wiki.
 * POST from the website's own button (with its CSRF token); GET when the wiki sends the
 * person here after they logged out there ($wgAuthBridgeLogoutUrl).
 */
require __DIR__ . '/lib.php';
start_session();
$user = current_user();
$fromWiki = $_SERVER['REQUEST_METHOD'] === 'GET';
if ( $user !== null && !$fromWiki && !hash_equals( (string)( $_SESSION['csrf'] ?? '' ), (string)( $_POST['csrf'] ?? '' ) ) ) {
	http_response_code( 400 );
	exit( 'Bad request.' );
}
$wikis = 'none';
if ( $user !== null ) {
	[ $status, $answer ] = api( 'POST', '/v1/sso/logout', [ 'username' => $user ] );
	$wikis = $status === 200 ? implode( ',', array_map( static function ( $r ) {
		return $r['wiki'] . ':' . $r['status'];
	}, $answer['results'] ?? [] ) ) : 'unavailable';
}
$_SESSION = [];
session_destroy();
setcookie( 'website_session', '', [ 'expires' => 1, 'path' => '/' ] );
?><!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Logged out — Example website</title></head>
<body>
<h1 id="logged-out">You are logged out</h1>
<p>Wikis told: <span id="wikis"><?= h( $wikis ) ?></span></p>
<p><a href="/">Back to the website</a></p>
</body></html>

<?php
/**
 * Logs out of the website and, through the identity API's back channel, out of every wiki.
 * Only a POST with the session's CSRF token logs out. A GET (the wiki sends the person here
 * after they logged out there, $wgAuthBridgeLogoutUrl; or any other site's link or image)
 * only shows the button, so no other site can log a person out.
 */
require __DIR__ . '/lib.php';
start_session();
$user = current_user();
$method = $_SERVER['REQUEST_METHOD'];
if ( $method !== 'POST' && $method !== 'GET' && $method !== 'HEAD' ) {
	http_response_code( 405 );
	header( 'Allow: GET, POST' );
	exit( 'Method not allowed.' );
}
header( 'Cache-Control: no-store' );
if ( $method !== 'POST' && $user !== null ) {
	?><!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Log out? — Example website</title></head>
<body>
<h1 id="confirm-logout">Log out of the website?</h1>
<p>You are logged in as <strong><?= h( $user ) ?></strong>. Logging out here also logs you out of every wiki
you reached from this website.</p>
<form method="post" action="/logout.php">
	<input type="hidden" name="csrf" value="<?= h( csrf_token() ) ?>">
	<button id="logout" type="submit">Log out</button>
</form>
<p><a href="/">Stay logged in</a></p>
</body></html>
<?php
	exit;
}
if ( $user !== null && !csrf_valid() ) {
	refuse_forged_form( '/logout.php' );
}
$wikis = 'none';
if ( $user !== null ) {
	[ $status, $answer ] = api( 'POST', '/v1/sso/logout', [ 'username' => $user ] );
	$wikis = $status === 200 ? implode( ',', array_map( static function ( $r ) {
		return $r['wiki'] . ':' . $r['status'];
	}, $answer['results'] ?? [] ) ) : 'unavailable';
}
// Only a session that came with the request is ended: clearing the cookie unasked would let a
// cross-site POST (which carries no SameSite=Lax cookie, so reaches here as nobody) log a person out.
if ( $user !== null ) {
	end_session();
}
?><!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Logged out — Example website</title></head>
<body>
<h1 id="logged-out">You are logged out</h1>
<p>Wikis told: <span id="wikis"><?= h( $wikis ) ?></span></p>
<p><a href="/">Back to the website</a></p>
</body></html>

<?php
/**
 * Router for the test wikis' `php -S`: entry points and existing files as a web server serves
 * them, and 404 for anything else.
 *
 * Without a router, `php -S` hands every path that is not a file to index.php. The browser's
 * own /favicon.ico request then rendered the Main Page with whatever session cookie the browser
 * held when it asked: sent from the login form just before the login answered, it arrived with
 * the pre-login session id (already deleted by the login), so MediaWiki started and persisted a
 * fresh anonymous session, and its Set-Cookie replaced the new logged-in one in the browser.
 * Seen as "logged in on the page, anonymous on the next request" in the full-stack suites; no
 * web server in front of a real wiki sends /favicon.ico to index.php.
 */
$path = parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) ?: '/';
if ( $path === '/' || preg_match( '~^/[A-Za-z_]+\.php(/|$)~', $path ) ) {
	return false;
}
if ( strpos( $path, '..' ) === false && is_file( $_SERVER['DOCUMENT_ROOT'] . $path ) ) {
	return false;
}
http_response_code( 404 );
header( 'Content-Type: text/plain; charset=utf-8' );
echo "Not found\n";
return true;

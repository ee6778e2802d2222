<?php
/**
 * The wiki's automatic-login bounce ($wgAuthBridgeAutoLoginUrl points here). Logged in on the
 * website: back to the wiki with a ticket. Not logged in: back with "noticket", so the wiki
 * stops asking. Always back to the configured wiki URL, never to a URL from the request.
 */
require __DIR__ . '/lib.php';
start_session();
$returnTo = isset( $_GET['returnto'] ) ? (string)$_GET['returnto'] : '';
$user = current_user();
if ( $user !== null ) {
	go_to_wiki( $user, $returnTo );
}
redirect( rtrim( setting( 'AUTHBRIDGE_WIKI_URL' ), '/' ) . '/index.php?' . http_build_query( [
	'title' => 'Special:AuthBridgeLogin', 'noticket' => '1', 'returnto' => $returnTo,
] ) );

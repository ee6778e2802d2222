<?php
/**
 * The wiki's automatic-login bounce ($wgAuthBridgeAutoLoginUrl points here). Logged in on the
 * website: back to the wiki with a ticket bound to the wiki's `nonce`. Not logged in: back with
 * "noticket", so the wiki stops asking. Always back to the configured wiki URL, never to a URL
 * from the request.
 */
require __DIR__ . '/lib.php';
start_session();
$returnTo = isset( $_GET['returnto'] ) ? (string)$_GET['returnto'] : '';
$nonce = isset( $_GET['nonce'] ) ? (string)$_GET['nonce'] : '';
$user = current_user();
if ( $user !== null && $nonce !== '' ) {
	go_to_wiki( $user, $returnTo, $nonce );
}
redirect( wiki_url( [ 'title' => 'Special:AuthBridgeLogin', 'noticket' => '1', 'returnto' => $returnTo ] ) );

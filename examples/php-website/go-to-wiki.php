<?php
// "Go to the wiki": the few lines that replace the fragile wikilogin.php scripts. The wiki's
// Special:AuthBridgeLogin?start=1 sends the browser here with a nonce ($wgAuthBridgeSsoStartUrl);
// without one (an old link), the hand-off starts at the wiki so the ticket is bound to this browser.
require __DIR__ . '/lib.php';
start_session();
$returnTo = isset( $_GET['returnto'] ) ? (string)$_GET['returnto'] : null;
$nonce = isset( $_GET['nonce'] ) ? (string)$_GET['nonce'] : '';
if ( $nonce === '' ) {
	redirect( wiki_start_url( $returnTo ) );
}
if ( current_user() === null ) {
	redirect( '/login.php' );
}
go_to_wiki( current_user(), $returnTo, $nonce );

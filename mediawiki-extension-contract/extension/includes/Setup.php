<?php

namespace MediaWiki\Extension\AuthBridge;

/**
 * Registration callback: runs once LocalSettings.php is read.
 */
class Setup {
	/**
	 * Accounts are made on the website: unless $wgAuthBridgeAllowAccountCreation is true,
	 * visitors cannot create wiki accounts, but logging in still creates them automatically.
	 */
	public static function onRegistration(): void {
		Compat::register();
		// phpcs:ignore MediaWiki.NamingConventions.ValidGlobalName.allowedPrefix
		global $wgAuthBridgeAllowAccountCreation, $wgGroupPermissions;
		if ( empty( $wgAuthBridgeAllowAccountCreation ) ) {
			$wgGroupPermissions['*']['createaccount'] = false;
			$wgGroupPermissions['*']['autocreateaccount'] = true;
		}
	}
}

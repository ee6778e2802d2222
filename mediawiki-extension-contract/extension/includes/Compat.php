<?php

namespace MediaWiki\Extension\AuthBridge;

/**
 * The extension names core classes by their namespaced names only, because MediaWiki 1.44
 * dropped the old global aliases (Html, Title, WebResponse, ...) and later releases drop more.
 * MediaWiki 1.39 has most classes only under the global name, so on 1.39 (and 1.40-1.42 for
 * the few moved later) this autoloader makes the namespaced name an alias of the global class
 * the first time something asks for it. It runs only when core's own autoloader found nothing,
 * so on 1.43 and later it is never consulted for these names.
 */
class Compat {
	/** namespaced name => the global name of the same class in MediaWiki 1.39 */
	public const ALIASES = [
		'MediaWiki\\Html\\Html' => 'Html',
		'MediaWiki\\Request\\WebRequest' => 'WebRequest',
		'MediaWiki\\Request\\WebResponse' => 'WebResponse',
		'MediaWiki\\Request\\FauxRequest' => 'FauxRequest',
		'MediaWiki\\Request\\FauxResponse' => 'FauxResponse',
		'MediaWiki\\Config\\Config' => 'Config',
		'MediaWiki\\Config\\HashConfig' => 'HashConfig',
		'MediaWiki\\User\\User' => 'User',
		'MediaWiki\\Status\\Status' => 'Status',
		'MediaWiki\\Message\\Message' => 'Message',
		'MediaWiki\\SpecialPage\\SpecialPage' => 'SpecialPage',
		'MediaWiki\\SpecialPage\\UnlistedSpecialPage' => 'UnlistedSpecialPage',
		'MediaWiki\\Context\\RequestContext' => 'RequestContext',
		'MediaWiki\\Context\\IContextSource' => 'IContextSource',
		'MediaWiki\\Password\\InvalidPassword' => 'InvalidPassword',
		'MediaWiki\\Password\\PasswordFactory' => 'PasswordFactory',
		'MediaWiki\\Password\\PasswordError' => 'PasswordError',
		'MediaWiki\\User\\Options\\UserOptionsManager' => 'MediaWiki\\User\\UserOptionsManager',
		'MediaWiki\\Output\\OutputPage' => 'OutputPage',
		'Wikimedia\\ObjectCache\\BagOStuff' => 'BagOStuff',
		'Wikimedia\\ObjectCache\\HashBagOStuff' => 'HashBagOStuff',
		'Wikimedia\\ObjectCache\\WANObjectCache' => 'WANObjectCache',
		'Wikimedia\\Rdbms\\IDBAccessObject' => 'IDBAccessObject',
	];

	/** @var bool */
	private static $registered = false;

	/** Called from the registration callback, before any other code of the extension runs. */
	public static function register(): void {
		if ( self::$registered ) {
			return;
		}
		self::$registered = true;
		spl_autoload_register( static function ( string $class ): void {
			$old = self::ALIASES[$class] ?? null;
			if ( $old !== null && ( class_exists( $old ) || interface_exists( $old ) ) ) {
				class_alias( $old, $class );
			}
		} );
	}
}

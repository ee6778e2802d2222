<?php

namespace MediaWiki\Extension\AuthBridge;

use MediaWiki\Message\Message;
use MediaWiki\Output\OutputPage;
use StatusValue;

/**
 * The extension names core classes by their namespaced names only, because MediaWiki 1.44
 * dropped the old global aliases (Html, Title, WebResponse, ...) and later releases drop more.
 * MediaWiki 1.39 has most classes only under the global name (1.40-1.42 moved them a few at a
 * time), so before 1.43 this makes each namespaced name an alias of the global class, at
 * registration: eagerly, because a type declaration never triggers autoloading, so a lazy alias
 * would make `function f( UserOptionsManager $m )` refuse the very object core passes.
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
		'MediaWiki\\HTMLForm\\HTMLForm' => 'HTMLForm',
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
		if ( self::$registered || version_compare( MW_VERSION, '1.43', '>=' ) ) {
			return;
		}
		self::$registered = true;
		foreach ( self::ALIASES as $new => $old ) {
			if ( !class_exists( $new ) && !interface_exists( $new ) ) {
				class_alias( $old, $new );
			}
		}
	}

	/**
	 * The key and parameters of a status's first message: StatusValue::getMessages() from
	 * MediaWiki 1.43 (getErrors() is deprecated there), getErrors() before.
	 *
	 * @param StatusValue $status
	 * @return array [ string key, array params ], [ '', [] ] when there is none
	 */
	public static function firstMessage( StatusValue $status ): array {
		if ( method_exists( $status, 'getMessages' ) ) {
			$message = $status->getMessages()[0] ?? null;
			if ( !$message ) {
				return [ '', [] ];
			}
			// Plain values, as getErrors() gave them (1.43 wraps them in MessageParam objects)
			$params = array_map( static function ( $param ) {
				return is_object( $param ) && method_exists( $param, 'getValue' ) ? $param->getValue() : $param;
			}, $message->getParams() );
			return [ $message->getKey(), $params ];
		}
		$error = $status->getErrors()[0] ?? null;
		return $error ? [ (string)$error['message'], $error['params'] ] : [ '', [] ];
	}

	/**
	 * OutputPage::setPageTitleMsg() from MediaWiki 1.41 (setPageTitle() with a Message is
	 * deprecated there and refused from 1.45); setPageTitle() before.
	 */
	public static function setPageTitleMsg( OutputPage $out, Message $title ): void {
		if ( method_exists( $out, 'setPageTitleMsg' ) ) {
			$out->setPageTitleMsg( $title );
		} else {
			$out->setPageTitle( $title );
		}
	}
}

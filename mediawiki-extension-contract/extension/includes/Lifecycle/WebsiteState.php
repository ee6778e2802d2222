<?php

namespace MediaWiki\Extension\AuthBridge\Lifecycle;

use MediaWiki\User\UserIdentity;
use MediaWiki\User\UserOptionsManager;

/**
 * The website state of a linked wiki account as the wiki last heard it: from the back channel
 * (with the change's seq, so a late retry never undoes a newer change) or from a password login
 * (PASS clears it, ACCOUNT_DISABLED sets it). Kept in a hidden user option beside the link
 * (`authbridge-id`); users cannot set it (ApiOptions refuses options no preference declares), and
 * the SaveUserOptions guard (AccountHooks) keeps "restore all default settings" or other code
 * from clearing it: only this class writes it.
 */
class WebsiteState {
	public const OPTION = 'authbridge-website-state';
	public const ACTIVE = 'active';
	public const DISABLED = 'disabled';
	public const DELETED = 'deleted';
	public const STATES = [ self::ACTIVE, self::DISABLED, self::DELETED ];
	/** IDBAccessObject::READ_LATEST: the interface is global in 1.39 and Wikimedia\Rdbms in 1.43, the value is the same. */
	public const READ_LATEST = 1;

	/** @var UserOptionsManager */
	private $options;
	/** @var bool[] user id => this class is saving the option (the guard lets it through) */
	private static $writing = [];

	public function __construct( UserOptionsManager $options ) {
		$this->options = $options;
	}

	/**
	 * @param UserIdentity $user
	 * @param bool $latest read the primary database (a security decision about to be made)
	 * @return array{state:string,seq:int}
	 */
	public function get( UserIdentity $user, bool $latest = false ): array {
		if ( !$user->isRegistered() ) {
			return [ 'state' => self::ACTIVE, 'seq' => 0 ];
		}
		$raw = $this->options->getOption( $user, self::OPTION, null, true,
			$latest ? self::READ_LATEST : 0 );
		$value = is_string( $raw ) ? json_decode( $raw, true ) : null;
		if ( !is_array( $value )
			|| !in_array( $value['state'] ?? null, self::STATES, true )
			|| !is_int( $value['seq'] ?? null )
		) {
			return [ 'state' => self::ACTIVE, 'seq' => 0 ];
		}
		return [ 'state' => $value['state'], 'seq' => $value['seq'] ];
	}

	/**
	 * @param UserIdentity $user
	 * @param bool $latest
	 * @return bool the website disabled or deleted the account: no bot password, no edit
	 */
	public function isRefused( UserIdentity $user, bool $latest = false ): bool {
		return $this->get( $user, $latest )['state'] !== self::ACTIVE;
	}

	/**
	 * Records a state heard on the back channel, unless a change as new or newer was recorded.
	 *
	 * @param UserIdentity $user
	 * @param string $state
	 * @param int $seq
	 * @return bool false when the event was older than what the wiki knows (nothing changed)
	 */
	public function applyEvent( UserIdentity $user, string $state, int $seq ): bool {
		if ( $seq <= $this->get( $user, true )['seq'] ) {
			return false;
		}
		$this->save( $user, $state, $seq );
		return true;
	}

	/**
	 * Records what a password login just heard from the identity API (PASS: active,
	 * ACCOUNT_DISABLED: disabled). That answer is the API's state now; the seq stays, so a
	 * back-channel event still pending arrives as newer.
	 *
	 * @param UserIdentity $user
	 * @param string $state
	 */
	public function heardAtLogin( UserIdentity $user, string $state ): void {
		$known = $this->get( $user, true );
		if ( $known['state'] !== $state ) {
			$this->save( $user, $state, $known['seq'] );
		}
	}

	/** For the SaveUserOptions guard: true while this class saves the state of $user. */
	public function isWriting( UserIdentity $user ): bool {
		return isset( self::$writing[$user->getId()] );
	}

	private function save( UserIdentity $user, string $state, int $seq ): void {
		self::$writing[$user->getId()] = true;
		try {
			$this->options->setOption( $user, self::OPTION, json_encode( [ 'state' => $state, 'seq' => $seq ] ) );
			$this->options->saveOptions( $user );
		} finally {
			unset( self::$writing[$user->getId()] );
		}
	}
}

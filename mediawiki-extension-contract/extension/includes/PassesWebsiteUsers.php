<?php

namespace MediaWiki\Extension\AuthBridge;

use MediaWiki\Auth\AuthenticationResponse;
use MediaWiki\Extension\AuthBridge\Account\AccountOwnership;
use MediaWiki\Extension\AuthBridge\Lifecycle\WebsiteState;
use MediaWiki\User\UserNameUtils;

/**
 * The end of every way a website user logs in (password, single-sign-on ticket): the name must
 * be one MediaWiki can use and not a temporary account's, the wiki account must be theirs
 * (AccountOwnership: linked to them, or not there yet), then pass; link the account AuthBridge
 * creates; sync the profile after the login. The using class has $ownership
 * (AccountOwnership), $profileSync (ProfileSync), $websiteState (WebsiteState),
 * $bridgeLogger (LoggerInterface) and $syncProfile (bool, $wgAuthBridgeSyncProfile).
 */
trait PassesWebsiteUsers {
	/** @var RemoteUser[] website users that passed in this request, by wiki name */
	private $passed = [];

	/** Messages for the refusals that are the same for every way of logging in. */
	private static $refusalMessages = [
		AccountOwnership::REFUSE_TEMPORARY => 'authbridge-error-temporary',
		AccountOwnership::REFUSE_NOT_LINKED => 'authbridge-error-notlinked',
		AccountOwnership::REFUSE_CONFLICT => 'authbridge-error-conflict',
	];

	/**
	 * @param RemoteUser $remote the user the identity API vouched for
	 * @param string $how how the person proved who they are, for the log ("password", "ticket")
	 * @param AuthenticationResponse $localOnly the answer when the name is a local-only account
	 * @return AuthenticationResponse
	 */
	private function passWebsiteUser(
		RemoteUser $remote, string $how, AuthenticationResponse $localOnly
	): AuthenticationResponse {
		$refusal = $this->ownership->isTemporaryName( $remote->username ) ? AccountOwnership::REFUSE_TEMPORARY : null;
		$name = $remote->username;
		if ( $refusal === null ) {
			$name = $this->userNameUtils->getCanonical( $remote->username, UserNameUtils::RIGOR_CREATABLE );
			if ( $name !== $remote->username ) {
				$this->bridgeLogger->error(
					'The identity API passed a user name MediaWiki cannot use ({how}): {remoteName}', [
						'remoteName' => $remote->username, 'how' => $how,
					]
				);
				return AuthenticationResponse::newFail( wfMessage( 'authbridge-error-unavailable' ) );
			}
			$refusal = $this->ownership->checkLogin( $name, $remote );
		}
		if ( $refusal !== null ) {
			$this->bridgeLogger->warning(
				'Refused to log in website user {user} (id {remoteId}, {how}): {reason}', [
					'user' => $name, 'remoteId' => $remote->id, 'how' => $how,
					'reason' => self::describeRefusal( $refusal ),
				]
			);
			return isset( self::$refusalMessages[$refusal] )
				? AuthenticationResponse::newFail( wfMessage( self::$refusalMessages[$refusal] ) )
				: $localOnly;
		}
		$this->passed[$name] = $remote;
		// For the final check once AuthManager has the account (WebsiteLinkSecondaryAuthenticationProvider).
		$this->ownership->notePassedLogin( $name, $remote->id );
		$this->bridgeLogger->info( 'Website user {user} logged in ({how})', [ 'user' => $name, 'how' => $how ] );
		return AuthenticationResponse::newPass( $name );
	}

	private static function describeRefusal( string $refusal ): string {
		switch ( $refusal ) {
			case AccountOwnership::REFUSE_TEMPORARY:
				return 'the name is a temporary account\'s';
			case AccountOwnership::REFUSE_NOT_LINKED:
				return 'the existing wiki account of that name is not linked to the website'
					. ' (link it with linkAccounts.php)';
			case AccountOwnership::REFUSE_CONFLICT:
				return 'the wiki account belongs to another website user';
			default:
				return 'the wiki account of that name is local-only';
		}
	}

	/**
	 * AuthManager created the wiki account for the website user this provider passed: link it
	 * to them, so the account is theirs from the first login on.
	 *
	 * @inheritDoc
	 */
	public function autoCreatedAccount( $user, $source ) {
		$remote = $this->passed[$user->getName()] ?? null;
		if ( $source !== $this->getUniqueId() || !$remote ) {
			return;
		}
		$status = $this->ownership->link( $user, $remote->id, AccountOwnership::ORIGIN_CREATED, 'first login' );
		if ( !$status->isOK() ) {
			$this->bridgeLogger->error( 'Could not link the new account {user} to website user {remoteId}', [
				'user' => $user->getName(), 'remoteId' => $remote->id,
			] );
		}
	}

	/** @inheritDoc */
	public function postAuthentication( $user, AuthenticationResponse $response ) {
		if ( $response->status !== AuthenticationResponse::PASS || !$user ) {
			return;
		}
		$remote = $this->passed[$user->getName()] ?? null;
		if ( !$remote || !$user->isRegistered() ) {
			return;
		}
		// The API just passed this user: active on the website now (bot passwords work again).
		$this->websiteState->heardAtLogin( $user, WebsiteState::ACTIVE );
		if ( $this->syncProfile ) {
			$this->profileSync->apply( $user, $remote );
		}
	}
}

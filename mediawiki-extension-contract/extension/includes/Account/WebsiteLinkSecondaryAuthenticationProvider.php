<?php

namespace MediaWiki\Extension\AuthBridge\Account;

use MediaWiki\Auth\AbstractSecondaryAuthenticationProvider;
use MediaWiki\Auth\AuthenticationResponse;
use MediaWiki\Logger\LoggerFactory;
use Psr\Log\LoggerInterface;

/**
 * The last word on a website user's login, once AuthManager has the wiki account: it must be
 * linked to the website user the primary provider passed (AuthBridge linked it when it created
 * it a moment ago, or it was linked before). This closes the gap between the primary's check
 * and the account itself: an account that appeared in between (AuthManager then logs into it
 * instead of creating one) is refused, never adopted. Other logins are none of its business.
 * It runs first among the secondary providers (extension.json: sort -100), so in the same
 * request as the primary's pass, before any provider asks for more (e.g. a second factor).
 */
class WebsiteLinkSecondaryAuthenticationProvider extends AbstractSecondaryAuthenticationProvider {

	/** @var AccountOwnership */
	private $ownership;
	/** @var LoggerInterface */
	private $bridgeLogger;

	public function __construct( AccountOwnership $ownership, ?LoggerInterface $logger = null ) {
		$this->ownership = $ownership;
		$this->bridgeLogger = $logger ?? LoggerFactory::getInstance( 'AuthBridge' );
	}

	/** @inheritDoc */
	public function getAuthenticationRequests( $action, array $options ) {
		return [];
	}

	/** @inheritDoc */
	public function beginSecondaryAuthentication( $user, array $reqs ) {
		$remoteId = $this->ownership->takePassedLogin( $user->getName() );
		if ( $remoteId === null ) {
			return AuthenticationResponse::newAbstain();
		}
		if ( !$this->ownership->isLinkedTo( $user, $remoteId ) ) {
			$this->bridgeLogger->error(
				'Refused to log in {user}: the wiki account is not linked to website user {remoteId}', [
					'user' => $user->getName(), 'remoteId' => $remoteId,
				]
			);
			return AuthenticationResponse::newFail( wfMessage( 'authbridge-error-notlinked' ) );
		}
		return AuthenticationResponse::newPass();
	}

	/** @inheritDoc */
	public function beginSecondaryAccountCreation( $user, $creator, array $reqs ) {
		return AuthenticationResponse::newAbstain();
	}
}

<?php

namespace MediaWiki\Extension\AuthBridge;

use MediaWiki\Auth\AuthenticationResponse;

/**
 * The end of every way a website user logs in (password, single-sign-on ticket): refuse a
 * wiki account linked to another website user, pass, and sync the profile after the login.
 * The using class has $profileSync (ProfileSync), $bridgeLogger (LoggerInterface) and
 * $options (ServiceOptions with AuthBridgeSyncProfile).
 */
trait PassesWebsiteUsers {
	/** @var RemoteUser[] website users that passed in this request, by wiki name */
	private $passed = [];

	/**
	 * @param string $name canonical wiki name, already checked against local-only accounts
	 * @param RemoteUser $remote
	 * @param string $how how the person proved who they are, for the log ("password", "ticket")
	 * @return AuthenticationResponse
	 */
	private function passWebsiteUser( string $name, RemoteUser $remote, string $how ): AuthenticationResponse {
		$linked = $this->profileSync->linkedId( $name );
		if ( $linked !== null && $linked !== $remote->id ) {
			$this->bridgeLogger->warning(
				'Refused to log in {user} ({how}): the wiki account belongs to website user {linkedId}, not {remoteId}', [
					'user' => $name, 'how' => $how, 'linkedId' => $linked, 'remoteId' => $remote->id,
				]
			);
			return AuthenticationResponse::newFail( wfMessage( 'authbridge-error-conflict' ) );
		}
		$this->passed[$name] = $remote;
		$this->bridgeLogger->info( 'Website user {user} logged in ({how})', [ 'user' => $name, 'how' => $how ] );
		return AuthenticationResponse::newPass( $name );
	}

	/** @inheritDoc */
	public function postAuthentication( $user, AuthenticationResponse $response ) {
		if ( $response->status !== AuthenticationResponse::PASS || !$user ) {
			return;
		}
		$remote = $this->passed[$user->getName()] ?? null;
		if ( $remote && $user->isRegistered() ) {
			$this->profileSync->apply( $user, $remote, (bool)$this->options->get( 'AuthBridgeSyncProfile' ) );
		}
	}
}

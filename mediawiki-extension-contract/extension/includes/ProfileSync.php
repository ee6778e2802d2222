<?php

namespace MediaWiki\Extension\AuthBridge;

use MediaWiki\Extension\AuthBridge\Lifecycle\WebsiteState;
use MediaWiki\User\UserGroupManager;
use MediaWiki\User\UserOptionsManager;
use Psr\Log\LoggerInterface;
use User;

/**
 * Copies email, real name and mapped groups from the website's user to the wiki account.
 * Only groups named in the group map are ever added or removed.
 */
class ProfileSync {
	/** User option holding the website's stable user id; see README ("Local-only accounts"). */
	public const LINK_OPTION = 'authbridge-id';

	/** @var UserGroupManager */
	private $userGroupManager;
	/** @var UserOptionsManager */
	private $userOptionsManager;
	/** @var array<string,string|string[]> */
	private $groupMap;
	/** @var LoggerInterface */
	private $logger;

	/**
	 * @param UserGroupManager $userGroupManager
	 * @param UserOptionsManager $userOptionsManager
	 * @param array $groupMap website group => wiki group or list of wiki groups
	 * @param LoggerInterface $logger
	 */
	public function __construct(
		UserGroupManager $userGroupManager,
		UserOptionsManager $userOptionsManager,
		array $groupMap,
		LoggerInterface $logger
	) {
		$this->userGroupManager = $userGroupManager;
		$this->userOptionsManager = $userOptionsManager;
		$this->groupMap = $groupMap;
		$this->logger = $logger;
	}

	/**
	 * @param User $user the wiki account, already in the database
	 * @param RemoteUser $remote
	 * @param bool $syncProfile false: only record the link, leave profile and groups alone
	 */
	public function apply( User $user, RemoteUser $remote, bool $syncProfile = true ): void {
		if ( $syncProfile ) {
			$this->syncProfile( $user, $remote );
			$this->syncGroups( $user, $remote->groups );
		}
		if ( $this->userOptionsManager->getOption( $user, self::LINK_OPTION ) !== $remote->id ) {
			$this->userOptionsManager->setOption( $user, self::LINK_OPTION, $remote->id );
			$this->userOptionsManager->saveOptions( $user );
		}
		// The API just passed this user: enabled on the website now (bot passwords work again).
		( new WebsiteState( $this->userOptionsManager ) )->heardAtLogin( $user, WebsiteState::ACTIVE );
	}

	/**
	 * @param string $name canonical wiki user name
	 * @return string|null the website user id the wiki account is linked to, if any
	 */
	public function linkedId( string $name ): ?string {
		$user = User::newFromName( $name );
		if ( !$user || !$user->isRegistered() ) {
			return null;
		}
		$id = $this->userOptionsManager->getOption( $user, self::LINK_OPTION );
		return is_string( $id ) && $id !== '' ? $id : null;
	}

	/**
	 * @param string[] $externalGroups
	 * @return string[] wiki groups the website's groups map to
	 */
	public function mapGroups( array $externalGroups ): array {
		$wanted = [];
		foreach ( $externalGroups as $group ) {
			foreach ( (array)( $this->groupMap[$group] ?? [] ) as $wikiGroup ) {
				$wanted[] = $wikiGroup;
			}
		}
		return array_values( array_unique( $wanted ) );
	}

	/** @return string[] every wiki group the map mentions */
	public function managedGroups(): array {
		$managed = [];
		foreach ( $this->groupMap as $wikiGroups ) {
			foreach ( (array)$wikiGroups as $wikiGroup ) {
				$managed[] = $wikiGroup;
			}
		}
		return array_values( array_unique( $managed ) );
	}

	private function syncProfile( User $user, RemoteUser $remote ): void {
		$changed = false;
		$email = $remote->email ?? '';
		if ( $user->getEmail() !== $email ) {
			// setEmail() also drops the confirmation of the old address
			$user->setEmail( $email );
			$changed = true;
		}
		if ( $email !== '' && $remote->emailVerified && !$user->getEmailAuthenticationTimestamp() ) {
			$user->setEmailAuthenticationTimestamp( wfTimestampNow() );
			$changed = true;
		}
		if ( $user->getRealName() !== $remote->realName ) {
			$user->setRealName( $remote->realName );
			$changed = true;
		}
		if ( $changed ) {
			$user->saveSettings();
			$this->logger->info( 'Updated email and real name of {user} from the website', [
				'user' => $user->getName(),
			] );
		}
	}

	/**
	 * @param User $user
	 * @param string[] $externalGroups
	 */
	private function syncGroups( User $user, array $externalGroups ): void {
		$wanted = $this->mapGroups( $externalGroups );
		$current = $this->userGroupManager->getUserGroups( $user );
		$add = array_diff( $wanted, $current );
		$remove = array_diff( array_intersect( $this->managedGroups(), $current ), $wanted );
		foreach ( $add as $group ) {
			$this->userGroupManager->addUserToGroup( $user, $group );
		}
		foreach ( $remove as $group ) {
			$this->userGroupManager->removeUserFromGroup( $user, $group );
		}
		if ( $add || $remove ) {
			$this->logger->info( 'Groups of {user} follow the website: added {added}, removed {removed}', [
				'user' => $user->getName(),
				'added' => implode( ',', $add ),
				'removed' => implode( ',', $remove ),
			] );
		}
	}
}

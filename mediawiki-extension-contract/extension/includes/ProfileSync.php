<?php

namespace MediaWiki\Extension\AuthBridge;

use MediaWiki\User\User;
use MediaWiki\User\UserFactory;
use MediaWiki\User\UserGroupManager;
use Psr\Log\LoggerInterface;
use Wikimedia\Rdbms\IDBAccessObject;

/**
 * Copies email, real name and mapped groups from the website's user to the wiki account, at
 * every login while $wgAuthBridgeSyncProfile is on. Only groups named in the group map are ever
 * added or removed, through UserGroupManager. (The link to the website user is not a profile
 * field: AccountOwnership keeps it.)
 */
class ProfileSync {
	/** @var UserFactory */
	private $userFactory;
	/** @var UserGroupManager */
	private $userGroupManager;
	/** @var array<string,string|string[]> */
	private $groupMap;
	/** @var LoggerInterface */
	private $logger;

	/**
	 * @param UserFactory $userFactory
	 * @param UserGroupManager $userGroupManager
	 * @param array $groupMap website group => wiki group or list of wiki groups
	 * @param LoggerInterface $logger
	 */
	public function __construct(
		UserFactory $userFactory, UserGroupManager $userGroupManager, array $groupMap, LoggerInterface $logger
	) {
		$this->userFactory = $userFactory;
		$this->userGroupManager = $userGroupManager;
		$this->groupMap = $groupMap;
		$this->logger = $logger;
	}

	/**
	 * @param User $user the wiki account, already in the database
	 * @param RemoteUser $remote
	 */
	public function apply( User $user, RemoteUser $remote ): void {
		// A fresh copy from the primary database: the login may have saved the account since
		// $user was loaded (e.g. its link, just after creating it), and saving a stale copy fails.
		$fresh = $this->userFactory->newFromId( $user->getId() );
		$fresh->load( IDBAccessObject::READ_LATEST );
		$this->syncProfile( $fresh, $remote );
		$this->syncGroups( $fresh, $remote->groups );
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

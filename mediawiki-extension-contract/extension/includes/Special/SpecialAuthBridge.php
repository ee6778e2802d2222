<?php

namespace MediaWiki\Extension\AuthBridge\Special;

use MediaWiki\Extension\AuthBridge\Admin\AccountAdmin;
use MediaWiki\Extension\AuthBridge\Compat;
use MediaWiki\Extension\AuthBridge\RemoteUser;
use MediaWiki\HTMLForm\HTMLForm;
use MediaWiki\Html\Html;
use MediaWiki\SpecialPage\SpecialPage;
use MediaWiki\Status\Status;
use MediaWiki\Title\Title;
use StatusValue;

/**
 * Special:AuthBridge — the website's accounts as the wiki's administrators need them: search by
 * name prefix or email, and one account's page (Special:AuthBridge/<website name>) with its
 * groups and how they map, its linked wiki account, its brute-force locks per address with the
 * time left and its latest authentication events; with `authbridge-manage` also the actions
 * (clear locks, end wiki sessions, link or unlink a wiki account), each a POST form with the
 * edit token and a confirmation box, each logged (AccountAdmin).
 *
 * Bad input of any kind is a translated message on the page, never an exception: AccountAdmin
 * answers StatusValues, and a part the wiki's credential has no scope for says so and why.
 */
class SpecialAuthBridge extends SpecialPage {
	private const ACTIONS = [ 'clearlocks', 'endsessions', 'link', 'unlink' ];

	/** @var AccountAdmin */
	private $admin;

	/**
	 * @param AccountAdmin $admin service AuthBridge.AccountAdmin
	 */
	public function __construct( AccountAdmin $admin ) {
		parent::__construct( 'AuthBridge', 'authbridge-view' );
		$this->admin = $admin;
	}

	/** @inheritDoc */
	public function doesWrites() {
		return true;
	}

	/** @inheritDoc */
	protected function getGroupName() {
		return 'users';
	}

	/** @inheritDoc */
	public function execute( $par ) {
		$this->setHeaders();
		$this->checkPermissions();
		$this->outputHeader();
		$out = $this->getOutput();
		$out->addModuleStyles( [ 'mediawiki.special' ] );
		$name = $par === null ? '' : str_replace( '_', ' ', $par );
		if ( $name !== '' ) {
			$this->showAccount( $name );
			return;
		}
		$this->showSearch();
	}

	private function showSearch(): void {
		$results = null;
		$form = HTMLForm::factory( 'ooui', [
			'by' => [
				'type' => 'radio',
				'name' => 'by',
				'label-message' => 'authbridge-admin-search-by',
				'options-messages' => [
					'authbridge-admin-search-by-name' => AccountAdmin::SEARCH_NAME,
					'authbridge-admin-search-by-email' => AccountAdmin::SEARCH_EMAIL,
				],
				'default' => AccountAdmin::SEARCH_NAME,
				'flatlist' => true,
			],
			'q' => [
				'type' => 'text',
				'name' => 'q',
				'id' => 'authbridge-admin-q',
				'label-message' => 'authbridge-admin-search-label',
				'validation-callback' => function ( $value ) {
					$problem = AccountAdmin::inputProblem( (string)$value );
					return $problem === null ? true : $this->msg( $problem );
				},
			],
		], $this->getContext() );
		// The search goes to Special:AuthBridge itself, also from an account's page.
		$form->setTitle( $this->getPageTitle() );
		$form->setMethod( 'get' )
			// Submitted only when the form sent it, so the empty page does not complain.
			->setFormIdentifier( 'search' )
			->setWrapperLegendMsg( 'authbridge-admin-search-legend' )
			->setSubmitTextMsg( 'authbridge-admin-search-submit' )
			->setSubmitCallback( function ( array $data ) use ( &$results ) {
				$cursor = $this->getRequest()->getVal( 'cursor' );
				$results = $this->admin->search(
					(string)$data['by'], (string)$data['q'], $cursor === '' ? null : $cursor
				);
				return $results->isOK() ? true : Status::wrap( $results );
			} );
		$form->prepareForm();
		$result = $form->tryAuthorizedSubmit();
		$form->displayForm( $result );
		if ( $results && $results->isOK() ) {
			[ $users, $next ] = $results->getValue();
			$this->showResults( $users, $next );
		}
	}

	/**
	 * @param RemoteUser[] $users
	 * @param string|null $next the cursor of the next page
	 */
	private function showResults( array $users, ?string $next ): void {
		$out = $this->getOutput();
		if ( !$users ) {
			$out->addHTML( Html::warningBox( $this->msg( 'authbridge-admin-noresults' )->escaped() ) );
			return;
		}
		$rows = Html::rawElement( 'tr', [], implode( '', array_map( function ( $key ) {
			return Html::element( 'th', [], $this->msg( $key )->text() );
		}, [
			'authbridge-admin-field-name',
			'authbridge-admin-field-email',
			'authbridge-admin-field-realname',
			'authbridge-admin-field-state',
		] ) ) );
		foreach ( $users as $user ) {
			$rows .= Html::rawElement( 'tr', [],
				Html::rawElement( 'td', [],
					$this->getLinkRenderer()->makeKnownLink( AccountAdmin::pageOf( $user ), $user->username )
				)
				. Html::element( 'td', [], $user->email ?? '' )
				. Html::element( 'td', [], $user->realName )
				. Html::element( 'td', [],
					$this->msg( $user->disabled ? 'authbridge-admin-disabled' : 'authbridge-admin-active' )->text()
				)
			);
		}
		$out->addHTML( Html::rawElement( 'table', [ 'class' => 'wikitable authbridge-admin-results' ], $rows ) );
		if ( $next !== null ) {
			$request = $this->getRequest();
			$out->addHTML( Html::rawElement( 'p', [], $this->getLinkRenderer()->makeKnownLink(
				$this->getPageTitle(), $this->msg( 'authbridge-admin-nextpage' )->text(), [],
				[
					'by' => $request->getVal( 'by' ),
					'q' => $request->getVal( 'q' ),
					'wpFormIdentifier' => 'search',
					'cursor' => $next,
				]
			) ) );
		}
	}

	private function showAccount( string $name ): void {
		$out = $this->getOutput();
		$found = $this->admin->find( $name );
		if ( !$found->isOK() ) {
			$out->addHTML( $this->errorBox( $found ) );
			$this->showSearch();
			return;
		}
		/** @var RemoteUser $user */
		$user = $found->getValue();
		Compat::setPageTitleMsg( $out, $this->msg( 'authbridge-admin-account-title', $user->username ) );
		$out->addBacklinkSubtitle( $this->getPageTitle() );
		$canManage = $this->getUser()->isAllowed( 'authbridge-manage' );
		$forms = $canManage ? $this->actionForms( $user ) : [];
		$this->handlePost( $canManage );

		$out->addHTML( $this->detailsTable( $user ) );
		$out->addHTML( Html::element( 'h2', [], $this->msg( 'authbridge-admin-locks-heading' )->text() ) );
		$out->addHTML( $this->locksSection( $user ) );
		$out->addHTML( Html::element( 'h2', [], $this->msg( 'authbridge-admin-events-heading' )->text() ) );
		$out->addHTML( $this->eventsSection( $user ) );
		if ( $canManage ) {
			$out->addHTML( Html::element( 'h2', [], $this->msg( 'authbridge-admin-actions-heading' )->text() ) );
			$adminUrl = $this->admin->adminUrl( $user );
			if ( $adminUrl !== null ) {
				$out->addHTML( Html::rawElement( 'p', [], Html::element( 'a', [
					'href' => $adminUrl, 'class' => 'external', 'rel' => 'noopener', 'target' => '_blank',
				], $this->msg( 'authbridge-admin-websiteadmin' )->text() ) ) );
			}
			foreach ( $forms as [ $form, $result ] ) {
				$form->displayForm( $result );
			}
		}
	}

	/** A POST whose token does not match, or from someone who may only look, is said so. */
	private function handlePost( bool $canManage ): void {
		$request = $this->getRequest();
		if ( !$request->wasPosted() || !in_array( $request->getVal( 'wpFormIdentifier' ), self::ACTIONS, true ) ) {
			return;
		}
		if ( !$canManage ) {
			$this->getOutput()->addHTML( Html::errorBox( $this->msg( 'authbridge-admin-error-manage' )->escaped() ) );
		} elseif ( !$this->getUser()->matchEditToken( $request->getVal( 'wpEditToken' ) ) ) {
			// HTMLForm would only show the form again; say why nothing happened.
			$this->getOutput()->addHTML( Html::errorBox( $this->msg( 'authbridge-admin-error-token' )->escaped() ) );
		}
	}

	/**
	 * The action forms, each already submitted if this request posted it (so what the page then
	 * shows, e.g. the locks, is the state after the action).
	 *
	 * @return array[] [ HTMLForm, its submission result ]
	 */
	private function actionForms( RemoteUser $user ): array {
		$performer = $this->getUser();
		$linked = $this->admin->linkedAccounts( $user );
		$specs = [
			'clearlocks' => [ [], function () use ( $user, $performer ) {
				return $this->admin->clearLocks( $user, $performer );
			} ],
			'endsessions' => [ [], function () use ( $user, $performer ) {
				return $this->admin->endSessions( $user, $performer );
			} ],
			'link' => [ [
				// Field names (and so element ids) differ per form: OOUI infuses widgets by id.
				'linkname' => [
					'type' => 'user', 'exists' => true, 'label-message' => 'authbridge-admin-link-wikiname',
					'default' => $linked ? '' : $user->username,
					'validation-callback' => function ( $value ) {
						$problem = AccountAdmin::inputProblem( (string)$value );
						return $problem === null ? true : $this->msg( $problem );
					},
				],
			], function ( array $data ) use ( $user, $performer ) {
				return $this->admin->link( $user, (string)$data['linkname'], $performer );
			} ],
		];
		if ( $linked ) {
			$specs['unlink'] = [ [
				// A name, not a select: AccountAdmin::unlink() refuses any account not linked to this user.
				'unlinkname' => [
					'type' => 'user', 'label-message' => 'authbridge-admin-unlink-wikiname',
					'default' => $linked[0],
					'validation-callback' => function ( $value ) {
						$problem = AccountAdmin::inputProblem( (string)$value );
						return $problem === null ? true : $this->msg( $problem );
					},
				],
			], function ( array $data ) use ( $user, $performer ) {
				return $this->admin->unlink( $user, (string)$data['unlinkname'], $performer );
			} ];
		}
		$forms = [];
		foreach ( $specs as $action => [ $fields, $callback ] ) {
			$fields["{$action}confirm"] = [
				'type' => 'check',
				'label-message' => [ "authbridge-admin-$action-confirm", $user->username ],
				'validation-callback' => function ( $value ) {
					return $value ? true : $this->msg( 'authbridge-admin-error-confirm' );
				},
			];
			$form = HTMLForm::factory( 'ooui', $fields, $this->getContext() );
			$form->setId( "authbridge-$action" )
				->setAction( AccountAdmin::pageOf( $user )->getLocalURL() )
				->setFormIdentifier( $action )
				->setWrapperLegendMsg( "authbridge-admin-$action-legend" )
				->setSubmitTextMsg( "authbridge-admin-$action-submit" )
				->setSubmitCallback( function ( array $data ) use ( $callback, $action, $user ) {
					$status = $callback( $data );
					if ( !$status->isOK() ) {
						return Status::wrap( $status );
					}
					$this->getOutput()->addHTML( Html::successBox( $this->msg( "authbridge-admin-$action-done",
						$user->username,
						(string)( is_int( $status->getValue() )
							? $status->getValue()
							: ( $data["{$action}name"] ?? '' ) )
					)->parse() ) );
					return true;
				} );
			if ( $action === 'clearlocks' || $action === 'endsessions' ) {
				$form->setSubmitDestructive();
			}
			$form->prepareForm();
			// A refused action's form shows the reason where it is (HTMLForm's own error box).
			$forms[] = [ $form, $form->tryAuthorizedSubmit() ];
		}
		return $forms;
	}

	private function detailsTable( RemoteUser $user ): string {
		$lang = $this->getLanguage();
		$mapping = [];
		foreach ( $this->admin->groupMapping( $user->groups ) as $group => $wikiGroups ) {
			$mapping[] = $this->msg( $wikiGroups ? 'authbridge-admin-group-mapped' : 'authbridge-admin-group-unmapped',
				$group, $lang->commaList( $wikiGroups ) )->text();
		}
		$linked = $this->admin->linkedAccounts( $user );
		$linkedHtml = $linked
			? $lang->commaList( array_map( function ( $name ) {
				return $this->getLinkRenderer()->makeLink( Title::makeTitle( NS_USER, $name ), $name );
			}, $linked ) )
			: $this->msg( 'authbridge-admin-notlinked' )->escaped();
		$email = $user->email === null
			? $this->msg( 'authbridge-admin-noemail' )->text()
			: $user->email . ' ' . $this->msg(
				$user->emailVerified ? 'authbridge-admin-email-verified' : 'authbridge-admin-email-unverified'
			)->text();
		$rows = [
			'authbridge-admin-field-id' => htmlspecialchars( $user->id ),
			'authbridge-admin-field-name' => htmlspecialchars( $user->username ),
			'authbridge-admin-field-email' => htmlspecialchars( $email ),
			'authbridge-admin-field-realname' => htmlspecialchars( $user->realName ),
			'authbridge-admin-field-groups' => $mapping
				? Html::rawElement( 'ul', [], implode( '', array_map( static function ( $line ) {
					return Html::element( 'li', [], $line );
				}, $mapping ) ) )
				: $this->msg( 'authbridge-admin-nogroups' )->escaped(),
			'authbridge-admin-field-state' => $this->msg(
				$user->disabled ? 'authbridge-admin-disabled' : 'authbridge-admin-active'
			)->escaped(),
			'authbridge-admin-field-linked' => $linkedHtml,
		];
		$html = '';
		foreach ( $rows as $key => $value ) {
			$html .= Html::rawElement( 'tr', [],
				Html::element( 'th', [], $this->msg( $key )->text() ) . Html::rawElement( 'td', [], $value )
			);
		}
		return Html::rawElement( 'table', [ 'class' => 'wikitable authbridge-admin-account' ], $html );
	}

	private function locksSection( RemoteUser $user ): string {
		$state = $this->admin->lockState( $user );
		if ( !$state->isOK() ) {
			return $this->errorBox( $state, true );
		}
		$lock = $state->getValue();
		$rows = Html::rawElement( 'tr', [], implode( '', array_map( function ( $key ) {
			return Html::element( 'th', [], $this->msg( $key )->text() );
		}, [ 'authbridge-admin-lock-where', 'authbridge-admin-lock-failures', 'authbridge-admin-lock-state' ] ) ) );
		$counters = [ [ $this->msg( 'authbridge-admin-lock-account' )->text(), $lock['account'] ] ];
		foreach ( $lock['addresses'] as $address ) {
			$counters[] = [ $address['address'], $address ];
		}
		foreach ( $counters as [ $where, $counter ] ) {
			$rows .= Html::rawElement( 'tr', [],
				Html::element( 'td', [], $where )
				. Html::element( 'td', [], $this->getLanguage()->formatNum( $counter['failures'] ) )
				. Html::element( 'td', [], $counter['retryAfterSeconds'] > 0
					? $this->msg( 'authbridge-admin-lock-locked',
						$this->getLanguage()->formatDuration( $counter['retryAfterSeconds'] ) )->text()
					: $this->msg( 'authbridge-admin-lock-open' )->text() )
			);
		}
		$summary = Html::element( 'p', [], $this->msg( self::lockSummaryKey( $lock ) )->text() );
		// An API older than contract 1.4.0 has no ceiling to show.
		$ceiling = isset( $lock['checks'] ) ? $this->ceilingLine( $lock['checks'] ) : '';
		return $summary . $ceiling
			. Html::rawElement( 'table', [ 'class' => 'wikitable authbridge-admin-locks' ], $rows );
	}

	/**
	 * "Locked out" only while a lock holds; when only the account-wide ceiling is full, known
	 * addresses still get in, and the summary says so rather than alarm the sysop.
	 *
	 * @param array $lock the lock answer, validated by ApiClient::getLock()
	 * @return string message key
	 */
	private static function lockSummaryKey( array $lock ): string {
		if ( !$lock['locked'] ) {
			return 'authbridge-admin-locked-no';
		}
		$counterLocked = $lock['account']['retryAfterSeconds'] > 0;
		foreach ( $lock['addresses'] as $address ) {
			$counterLocked = $counterLocked || $address['retryAfterSeconds'] > 0;
		}
		$ceilingFull = isset( $lock['checks'] ) && $lock['checks']['retryAfterSeconds'] > 0;
		return !$counterLocked && $ceilingFull ? 'authbridge-admin-locked-ceiling' : 'authbridge-admin-locked-yes';
	}

	/**
	 * The account-wide ceiling (SPEC.md, Brute-force protection). While it is full, "locked"
	 * above does not hold for everyone: addresses the user logged in from before still get in.
	 *
	 * @param array $checks the lock answer's `checks`, validated by ApiClient::getLock()
	 * @return string HTML
	 */
	private function ceilingLine( array $checks ): string {
		$text = $this->msg( 'authbridge-admin-lock-checks' )
			->numParams( $checks['lastHour'], $checks['limit'] )->text();
		if ( $checks['retryAfterSeconds'] > 0 ) {
			$text .= $this->msg( 'word-separator' )->text()
				. $this->msg( 'authbridge-admin-lock-checks-full' )
					->durationParams( $checks['retryAfterSeconds'] )->text();
		}
		return Html::element( 'p', [ 'class' => 'authbridge-admin-ceiling' ], $text );
	}

	private function eventsSection( RemoteUser $user ): string {
		$events = $this->admin->events( $user );
		if ( !$events->isOK() ) {
			return $this->errorBox( $events, true );
		}
		if ( !$events->getValue() ) {
			return Html::element( 'p', [], $this->msg( 'authbridge-admin-noevents' )->text() );
		}
		$rows = Html::rawElement( 'tr', [], implode( '', array_map( function ( $key ) {
			return Html::element( 'th', [], $this->msg( $key )->text() );
		}, [
			'authbridge-admin-event-at',
			'authbridge-admin-event-name',
			'authbridge-admin-event-outcome',
			'authbridge-admin-event-address',
		] ) ) );
		foreach ( $events->getValue() as $event ) {
			$ts = wfTimestamp( TS_MW, $event['at'] );
			$rows .= Html::rawElement( 'tr', [],
				Html::element( 'td', [],
					$ts ? $this->getLanguage()->userTimeAndDate( $ts, $this->getUser() ) : $event['at']
				)
				. Html::element( 'td', [], $event['event'] )
				. Html::element( 'td', [], $event['outcome'] )
				. Html::element( 'td', [], $event['address'] ?? '' )
			);
		}
		return Html::rawElement( 'table', [ 'class' => 'wikitable authbridge-admin-events' ], $rows );
	}

	/** A refused look-up or action as a translated box; a part that is unavailable is a warning. */
	private function errorBox( StatusValue $status, bool $partOnly = false ): string {
		[ $key, $params ] = Compat::firstMessage( $status );
		$html = $this->msg( $key, $params )->parse();
		return $partOnly ? Html::warningBox( $html ) : Html::errorBox( $html );
	}
}

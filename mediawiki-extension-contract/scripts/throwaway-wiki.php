<?php
/**
 * Shared by the vector generators: run a generator inside a throwaway MediaWiki, so that the
 * expected values come from MediaWiki's own code with default settings, never from the
 * machine's LocalSettings.php.
 *
 * @file
 */

/**
 * Install a throwaway wiki, run the script inside it, clean up.
 *
 * @param string $installPath MediaWiki installation directory
 * @param string $script the generator, run as a maintenance script in the new wiki
 * @return int exit status
 */
function runInThrowawayWiki( string $installPath, string $script ): int {
	$dir = sys_get_temp_dir() . '/authbridge-vectors-' . bin2hex( random_bytes( 6 ) );
	mkdir( $dir, 0700 );
	try {
		$status = runCommand( [
			PHP_BINARY, "$installPath/maintenance/install.php",
			'--dbtype=sqlite', "--dbpath=$dir", '--dbname=wiki',
			'--server=http://127.0.0.1:1', '--scriptpath=', "--confpath=$dir",
			'--lang=en', '--pass=' . bin2hex( random_bytes( 12 ) ) . 'A!', '--quiet',
			'Test', 'Admin',
		], [], true );
		if ( $status !== 0 ) {
			fwrite( STDERR, "install.php failed with status $status\n" );
			return $status;
		}
		return runCommand(
			[ PHP_BINARY, $script ],
			[ 'MW_CONFIG_FILE' => "$dir/LocalSettings.php", 'MW_INSTALL_PATH' => $installPath ],
			false
		);
	} finally {
		removeTree( $dir );
	}
}

/**
 * @param string[] $command
 * @param array<string,string> $extraEnv
 * @param bool $quiet Swallow standard output (the installer is chatty)
 * @return int exit status
 */
function runCommand( array $command, array $extraEnv, bool $quiet ): int {
	$io = [ 0 => STDIN, 1 => $quiet ? [ 'file', '/dev/null', 'w' ] : STDOUT, 2 => STDERR ];
	$process = proc_open( $command, $io, $pipes, null, $extraEnv + getenv() );
	return $process === false ? 1 : proc_close( $process );
}

function removeTree( string $dir ): void {
	$entries = new RecursiveIteratorIterator(
		new RecursiveDirectoryIterator( $dir, FilesystemIterator::SKIP_DOTS ),
		RecursiveIteratorIterator::CHILD_FIRST
	);
	foreach ( $entries as $entry ) {
		$entry->isDir() ? rmdir( $entry->getPathname() ) : unlink( $entry->getPathname() );
	}
	rmdir( $dir );
}

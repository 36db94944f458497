#!/usr/bin/perl
# SPDX-License-Identifier: BSD-3-Clause
# Writes a tiny GeoIP2-Country-style MaxMind DB for the policy geo tests
# (MaxMind DB File Format Spec 2.0, through Debian's
# libmaxmind-db-writer-perl). Usage: mkmmdb.pl OUT.mmdb
# Exit 77 (meson "skip") when MaxMind::DB::Writer is not installed.
use strict;
use warnings;

my $out = shift @ARGV or die "usage: $0 OUT.mmdb\n";
unless (eval { require MaxMind::DB::Writer::Tree; 1 }) {
	print STDERR "MaxMind::DB::Writer::Tree not installed (apt install libmaxmind-db-writer-perl)\n";
	exit 77;
}

my %types = (country => 'map', registered_country => 'map', iso_code => 'utf8_string');
my $tree = MaxMind::DB::Writer::Tree->new(
	ip_version            => 6,
	record_size           => 24,
	database_type         => 'smsfw-test-Country',
	languages             => ['en'],
	description           => { en => 'smsfw policy unit test database' },
	alias_ipv6_to_ipv4    => 1,
	remove_reserved_networks => 0,	# the test uses documentation ranges
	map_key_type_callback => sub { $types{ $_[0] } },
);
# Documentation ranges (RFC 5737, RFC 3849) with made-up countries.
$tree->insert_network('192.0.2.0/24',    { country => { iso_code => 'KP' } });	# blocked in the tests
$tree->insert_network('198.51.100.0/24', { country => { iso_code => 'XS' } });	# suspicious
$tree->insert_network('203.0.113.0/24',  { country => { iso_code => 'CN' } });	# neither
$tree->insert_network('2001:db8::/32',   { registered_country => { iso_code => 'KP' } });

open(my $fh, '>:raw', $out) or die "$out: $!\n";
$tree->write_tree($fh);
close($fh) or die "$out: $!\n";

#!/usr/bin/perl
# Build geo-data/test-city.mmdb from geo-data/test-city.source.yaml.
# Usage: perl geo-data/build-test-db.pl [SOURCE.yaml [OUTPUT.mmdb]]
# Needs Debian's libmaxmind-db-writer-perl (MaxMind::DB::Writer::Tree). CPAN::Meta::YAML
# (core Perl, a YAML::Tiny subset: block style only) reads the source.
use strict;
use warnings;
use CPAN::Meta::YAML;
use File::Basename qw(dirname);
use MaxMind::DB::Writer::Tree;

my $dir = dirname(__FILE__);
my $source = $ARGV[0] // "$dir/test-city.source.yaml";
my $output = $ARGV[1] // "$dir/test-city.mmdb";

my %continent_names = (
    AF => 'Africa', AN => 'Antarctica', AS => 'Asia', EU => 'Europe',
    NA => 'North America', OC => 'Oceania', SA => 'South America',
);

# Types of every key in a GeoIP2-City record that we write.
my %types = (
    city => 'map', continent => 'map', country => 'map', registered_country => 'map',
    subdivisions => ['array', 'map'], location => 'map', names => 'map',
    en => 'utf8_string', code => 'utf8_string', iso_code => 'utf8_string',
    latitude => 'double', longitude => 'double', accuracy_radius => 'uint16',
);

open(my $fh, '<:encoding(UTF-8)', $source) or die "cannot read $source: $!\n";
my $text = do { local $/; <$fh> };
close($fh);
my $entries = CPAN::Meta::YAML->read_string($text)->[0];
die "$source: expected a list of networks\n" unless ref($entries) eq 'ARRAY';

my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version            => 6,
    record_size           => 24,
    database_type         => 'GeoIP2-City',
    languages             => ['en'],
    description           => { en => 'Meridian test GeoIP2-City database (not real data)' },
    # IPv4 networks live in ::/96 and ::ffff:0:0/96 points there, as in MaxMind's own databases.
    alias_ipv6_to_ipv4    => 1,
    # The test ranges include the IPv6 documentation prefix, which the writer drops by default.
    remove_reserved_networks => 0,
    map_key_type_callback => sub { $types{ $_[0] } // die "no type for key $_[0]\n" },
);

# Larger networks first: inserting a network replaces whatever it covers, so a more
# specific entry must come after the one it refines whatever the order in the source.
sub prefix_length {
    my ($network) = @_;
    my ($length) = $network =~ m{/(\d+)$};
    return 128 unless defined $length;
    return $network =~ /:/ ? $length : $length + 96;
}
my $index = 0;
for my $e (sort { prefix_length($a->{network} // '') <=> prefix_length($b->{network} // '') } @$entries) {
    my $where = "$source: network " . ($e->{network} // "number " . ($index + 1));
    for my $key (qw(network continent country)) {
        die "$where: missing $key\n" unless defined $e->{$key};
    }
    die "$where: unknown continent $e->{continent}\n" unless $continent_names{ $e->{continent} };
    my $country = { iso_code => $e->{country}, names => { en => $e->{country} } };
    my %record = (
        continent          => { code => $e->{continent}, names => { en => $continent_names{ $e->{continent} } } },
        country            => $country,
        registered_country => $country,
    );
    $record{subdivisions} = [ { iso_code => "$e->{subdivision}", names => { en => "$e->{subdivision}" } } ] if defined $e->{subdivision};
    $record{city} = { names => { en => $e->{city} } } if defined $e->{city};
    if (defined $e->{latitude} && defined $e->{longitude}) {
        $record{location} = { latitude => 0 + $e->{latitude}, longitude => 0 + $e->{longitude}, accuracy_radius => 100 };
    }
    $tree->insert_network($e->{network}, \%record);
    $index++;
}

open(my $out, '>:raw', "$output.tmp") or die "cannot write $output.tmp: $!\n";
$tree->write_tree($out);
close($out) or die "cannot write $output.tmp: $!\n";
# Atomic replace, so a running server that watches the file never reads half of it.
rename("$output.tmp", $output) or die "cannot rename $output.tmp to $output: $!\n";
print "wrote $output ($index networks)\n";

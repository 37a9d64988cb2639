package org.ovgst.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The test JVM's name resolution (Java's resolver SPI, registered in META-INF/services): names
 * the tests map resolve to their address, every other name as the system resolves it. Tests cannot
 * edit /etc/hosts, and no name with '_' (a Docker Compose service's) resolves here; so a test maps
 * one, and the code under test resolves it through InetAddress as it would any name.
 */
public final class TestHosts extends InetAddressResolverProvider {
    private static final Map<String, InetAddress> MAPPED = new ConcurrentHashMap<>();

    /** From now on {@code name} resolves to {@code address} (an IP literal's address). */
    public static void map(String name, InetAddress address) {
        MAPPED.put(name, address);
    }

    public static void unmap(String name) {
        MAPPED.remove(name);
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver system = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                InetAddress mapped = MAPPED.get(host);
                return mapped != null ? Stream.of(mapped) : system.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                return system.lookupByAddress(address);
            }
        };
    }

    @Override
    public String name() {
        return "ovgst test hosts";
    }
}

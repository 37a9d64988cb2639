package org.ovgst.gst.publish;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.SocketFactory;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * TLS for a broker that Paho reaches by IP address (see {@link MqttAddress}): Paho is given this
 * plain-TCP factory and a {@code tcp://} URI, and each socket, once connected, does the TLS
 * handshake itself with the host name the user wrote, so that SNI and the check of the broker's
 * certificate (HTTPS rules, as Paho's own ssl:// does by default) use that name and not the IP
 * address. Paho's ssl:// cannot: it sends the URI's host (here the IP) as SNI and checks against it.
 */
final class TlsSocketFactory extends SocketFactory {
    private final SSLSocketFactory tls;
    private final String host;

    /** @param host the broker's name (or IP literal) as written in the address */
    TlsSocketFactory(SSLSocketFactory tls, String host) {
        this.tls = tls;
        this.host = host;
    }

    /** Paho's TCPNetworkModule creates its socket unconnected, then connects it. */
    @Override
    public Socket createSocket() {
        return new TlsSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    private Socket connected(InetSocketAddress to, InetSocketAddress from) throws IOException {
        Socket socket = new TlsSocket();
        if (from != null) {
            socket.bind(from);
        }
        socket.connect(to);
        return socket;
    }

    /** The TCP socket itself, whose streams are those of the TLS layer over it once connected. */
    private final class TlsSocket extends Socket {
        private volatile SSLSocket layer;

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            super.connect(endpoint, timeout);
            // The layer reads this socket's own streams (taken once, here: layer is still null).
            try {
                SSLSocket ssl = (SSLSocket) tls.createSocket(this, host, getPort(), true);
                SSLParameters parameters = ssl.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(parameters);
                int readTimeout = getSoTimeout();
                // The handshake gets Paho's connection timeout, not an endless read.
                setSoTimeout(timeout);
                ssl.startHandshake();
                setSoTimeout(readTimeout);
                layer = ssl;
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        @Override
        public InputStream getInputStream() throws IOException {
            SSLSocket ssl = layer;
            return ssl == null ? super.getInputStream() : ssl.getInputStream();
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            SSLSocket ssl = layer;
            return ssl == null ? super.getOutputStream() : ssl.getOutputStream();
        }

        @Override
        public synchronized void close() throws IOException {
            SSLSocket ssl = layer;
            layer = null;
            try {
                if (ssl != null) {
                    ssl.close();
                }
            } finally {
                super.close();
            }
        }
    }
}

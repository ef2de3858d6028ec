package io.relaycast.sfu.ice;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import kotlin.Unit;
import org.ice4j.StackProperties;
import org.ice4j.ice.AgentConfig;
import org.ice4j.ice.harvest.AbstractUdpListener;
import org.ice4j.util.BufferPool;
import org.jitsi.config.JitsiConfig;
import org.jitsi.config.TypesafeConfigSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;

/**
 * The process-wide ice4j switches. ice4j keeps them in statics and reads its {@code ice4j {}} config once (through
 * jitsi-metaconfig over Typesafe Config, cached on first read), so they are set once, before the first harvester or
 * Agent exists; {@link IceHarvesters} calls {@link #configure} first thing.
 */
final class Ice4jRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(Ice4jRuntime.class);

    private static final ReceiveBufferPool POOL = new ReceiveBufferPool(1024);
    private static Duration configuredConsentInterval;

    private Ice4jRuntime() {
    }

    static synchronized void configure(IceConfig ice, int receiveBufferBytes) {
        if (configuredConsentInterval != null) {
            if (!configuredConsentInterval.equals(ice.consentCheckInterval())) {
                LOG.warn("ice4j is already configured with consent-check-interval {}; ignoring {}",
                        configuredConsentInterval, ice.consentCheckInterval());
            }
            return;
        }
        configuredConsentInterval = ice.consentCheckInterval();

        // Push API: payload goes from the harvester's read thread straight to Component's buffer callback, instead
        // of a virtual socket each session would need a thread to read. Must be set before any harvester exists.
        AbstractUdpListener.USE_PUSH_API = true;
        BufferPool.getBuffer = POOL::acquire;
        BufferPool.returnBuffer = b -> {
            POOL.release(b);
            return Unit.INSTANCE;
        };

        // ice4j's StunStack accepts a Binding request without MESSAGE-INTEGRITY unless told otherwise, and the ICE
        // layer would then answer it and learn a peer-reflexive candidate from it. RFC 8445 §7.3 requires
        // short-term credentials on every check (RFC 5389 §10.1.2: reject with 400/401), so require them.
        System.setProperty(StackProperties.REQUIRE_MESSAGE_INTEGRITY, "true");

        Map<String, Object> settings = new java.util.HashMap<>(Map.of(
                // RFC 7675 §5.1 cadence instead of ice4j's 15 s
                "ice4j.consent-freshness.interval", ice.consentCheckInterval().toMillis() + " ms",
                // we send through the selected pair's socket, never through ice4j's merging socket
                "ice4j.use-component-socket", false,
                // host candidates come only from our shared-port harvesters, never per-session ports
                "ice4j.harvest.udp.use-dynamic-ports", false,
                // two or more: ice4j then binds its sockets with SO_REUSEADDR, as the forwarding workers' own
                // send sockets on the same port need (SendSockets); its own sends (STUN, DTLS, RTCP) are few
                "ice4j.harvest.udp.socket-pool-size", 2,
                // NAT is public-ip's job; the AWS harvester would probe the EC2 metadata endpoint over HTTP
                // when the first Agent is created
                "ice4j.harvest.mapping.aws.enabled", false,
                // fe80:: addresses need a scope id and only reach the same link; a browser there has better ones
                "ice4j.harvest.use-link-local-addresses", false));
        if (receiveBufferBytes > 0) {
            // SO_RCVBUF of the shared port's socket, set by ice4j when it binds it (AbstractUdpListener)
            settings.put("ice4j.harvest.udp.receive-buffer-size", receiveBufferBytes);
        }
        Config ours = ConfigFactory.parseMap(settings, "relaycast ice");
        JitsiConfig.Companion.useDebugNewConfig(
                new TypesafeConfigSource("relaycast ice over application config", ours.withFallback(ConfigFactory.load())));

        Duration effective = AgentConfig.config.getConsentFreshnessInterval();
        if (!effective.equals(ice.consentCheckInterval())) {
            // something read ice4j's config before us; metaconfig caches the first value it reads
            LOG.warn("ice4j consent interval is {} (read before Relaycast configured it), wanted {}",
                    effective, ice.consentCheckInterval());
        }
    }
}

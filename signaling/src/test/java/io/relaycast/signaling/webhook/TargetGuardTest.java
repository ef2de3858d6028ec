package io.relaycast.signaling.webhook;

import org.testng.annotations.Test;

import java.net.URI;

import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/** SSRF guard on literal addresses and on names that resolve inward ("localhost"); no outside DNS needed. */
public class TargetGuardTest {
    private final TargetGuard strict = new TargetGuard(false);

    @Test
    public void inwardAddressesAreRefused() {
        for (String url : new String[]{"http://127.0.0.1/", "http://127.8.9.10:8080/x", "http://localhost:9/",
                "http://[::1]/", "http://10.0.0.1/", "http://172.16.5.4/", "http://192.168.1.1/", "http://169.254.169.254/",
                "http://[fe80::1]/", "http://[fd12:3456::1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:10.0.0.1]/",
                "http://0.0.0.0/", "http://100.64.0.1/", "http://224.0.0.1/", "http://255.255.255.255/"}) {
            assertTrue(strict.refusal(URI.create(url)).isPresent(), url + " must be refused");
        }
    }

    @Test
    public void publicAddressesPass() {
        for (String url : new String[]{"https://93.184.216.34/hook", "http://8.8.8.8:8080/", "http://[2606:4700::1111]/",
                "http://100.128.0.1/", "http://172.32.0.1/"}) {
            assertFalse(strict.refusal(URI.create(url)).isPresent(), url + " is public");
        }
    }

    @Test
    public void onlyHttpAndHttpsAndNoCredentials() {
        assertTrue(strict.refusal(URI.create("ftp://93.184.216.34/")).isPresent());
        assertTrue(strict.refusal(URI.create("gopher://93.184.216.34/")).isPresent());
        assertTrue(strict.refusal(URI.create("http://user:pw@93.184.216.34/")).isPresent());
        assertTrue(new TargetGuard(true).refusal(URI.create("ftp://127.0.0.1/")).isPresent());
    }

    @Test
    public void allowPrivateTargetsLetsInwardUrlsThrough() {
        TargetGuard open = new TargetGuard(true);
        assertFalse(open.refusal(URI.create("http://127.0.0.1:8080/hook")).isPresent());
        assertFalse(open.refusal(URI.create("http://10.0.0.1/")).isPresent());
    }
}

package io.relaycast.web.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A throw-away Firefox profile for tests: a fresh directory whose user.js makes Firefox the counterpart of the
 * Chromium flags in {@link Browser}: a synthetic camera and microphone with permission granted, host candidates, media
 * playing in windows that are not in front, and no network of its own (no updates, telemetry, safe browsing,
 * captive-portal probes or plugin downloads: the test network is closed and they would only add noise).
 */
final class FirefoxProfile {
    /** Preference name to value (Boolean, Integer or String), in the order written. */
    static final Map<String, Object> PREFS = prefs();

    private FirefoxProfile() {
    }

    private static Map<String, Object> prefs() {
        Map<String, Object> p = new LinkedHashMap<>();
        // a fake camera (changing colours) and microphone (a tone), no permission prompt (getUserMedia)
        p.put("media.navigator.streams.fake", true);
        p.put("media.navigator.permission.disabled", true);
        p.put("media.autoplay.default", 0);
        p.put("media.autoplay.blocking_policy", 0);
        // real addresses in candidates, not mDNS names. Firefox ESR 153 gathers no 127.0.0.1 candidate (not even
        // with media.peerconnection.ice.loopback) and pairs none of its own with the SFU's 127.0.0.1: tests that
        // use Firefox make the SFU listen on the host's own address too (e2e.LocalAddresses)
        p.put("media.peerconnection.ice.obfuscate_host_addresses", false);
        // several pages in one browser: windows not in front keep decoding and running timers
        p.put("media.suspend-bkgnd-video.enabled", false);
        p.put("media.block-autoplay-until-in-foreground", false);
        p.put("dom.min_background_timeout_value", 4);
        p.put("dom.timeout.enable_budget_timer_throttling", false);
        // first run, default-browser and welcome pages
        p.put("browser.shell.checkDefaultBrowser", false);
        p.put("browser.startup.page", 0);
        p.put("browser.startup.homepage", "about:blank");
        p.put("browser.startup.homepage_override.mstone", "ignore");
        p.put("startup.homepage_welcome_url", "about:blank");
        p.put("startup.homepage_welcome_url.additional", "");
        p.put("browser.aboutwelcome.enabled", false);
        p.put("trailhead.firstrun.didSeeAboutWelcome", true);
        p.put("datareporting.policy.firstRunURL", "");
        // updates of Firefox, add-ons, plugins (OpenH264), remote settings
        p.put("app.update.disabledForTesting", true);
        p.put("app.update.auto", false);
        p.put("extensions.update.enabled", false);
        p.put("extensions.getAddons.cache.enabled", false);
        p.put("media.gmp-manager.updateEnabled", false);
        p.put("media.gmp-manager.url", "");
        p.put("services.settings.server", "");
        p.put("app.normandy.enabled", false);
        // telemetry and health reports
        p.put("toolkit.telemetry.enabled", false);
        p.put("toolkit.telemetry.unified", false);
        p.put("toolkit.telemetry.server", "");
        p.put("datareporting.healthreport.uploadEnabled", false);
        p.put("datareporting.policy.dataSubmissionEnabled", false);
        p.put("browser.ping-centre.telemetry", false);
        // background network: safe browsing lists, captive portal and connectivity probes, prefetching, search
        p.put("browser.safebrowsing.malware.enabled", false);
        p.put("browser.safebrowsing.phishing.enabled", false);
        p.put("browser.safebrowsing.downloads.enabled", false);
        p.put("browser.safebrowsing.provider.google4.updateURL", "");
        p.put("network.captive-portal-service.enabled", false);
        p.put("network.connectivity-service.enabled", false);
        p.put("network.dns.disablePrefetch", true);
        p.put("network.prefetch-next", false);
        p.put("network.http.speculative-parallel-limit", 0);
        p.put("browser.search.update", false);
        p.put("browser.newtabpage.enabled", false);
        p.put("browser.newtabpage.activity-stream.feeds.system.topstories", false);
        p.put("browser.topsites.contile.enabled", false);
        p.put("browser.tabs.warnOnClose", false);
        // a crash should end the test with an error, not wait for a crash reporter
        p.put("toolkit.crashreporter.enabled", false);
        p.put("browser.tabs.crashReporting.sendReport", false);
        return p;
    }

    /** Creates the directory and its user.js; the caller deletes it. */
    static Path create() {
        try {
            Path dir = Files.createTempDirectory("relaycast-firefox-");
            Files.writeString(dir.resolve("user.js"), userJs());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a Firefox profile directory", e);
        }
    }

    static String userJs() {
        return PREFS.entrySet().stream()
                .map(e -> "user_pref(\"" + e.getKey() + "\", " + literal(e.getValue()) + ");")
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static String literal(Object value) {
        if (value instanceof String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return String.valueOf(value);
    }
}

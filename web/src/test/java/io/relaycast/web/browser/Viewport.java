package io.relaycast.web.browser;

/**
 * The size of the page area a test renders into, in CSS pixels.
 *
 * <p>The device scale factor is always 1 so that a screenshot is exactly {@code width × height}
 * pixels whatever is emulated: tests can assert on image sizes. {@code mobile} switches Chromium to
 * phone layout rules (meta viewport, overlay scrollbars), which is what the phone-width checks of
 * the pages are about.
 */
public record Viewport(int width, int height, boolean mobile) {
    public static final Viewport DESKTOP = new Viewport(1280, 800, false);
    /** An iPhone 12–15 sized screen, the narrowest layout the pages promise to support. */
    public static final Viewport PHONE = new Viewport(390, 844, true);

    public Viewport {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("viewport must be at least 1x1, got " + width + "x" + height);
        }
    }

    @Override
    public String toString() {
        return width + "x" + height + (mobile ? " (mobile)" : "");
    }
}

/**
 * How the auto-configurations read the properties and combine the listener beans; not API: an application
 * uses the beans and properties of {@link dev.mailkit.spring.boot}.
 */
package dev.mailkit.spring.boot.internal;

/** What the meters share and is not API: the kinds of failure mailkit-core defines, as tag values. */
package dev.mailkit.micrometer.internal;

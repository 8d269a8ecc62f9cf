/** DKIM signing of the bytes mailkit writes, on Apache James jDKIM's canonicalisation and hashing. */
package dev.mailkit.smtp.internal.dkim;

/** Shared fixtures for tests that need real servers. */
package io.des.testing;

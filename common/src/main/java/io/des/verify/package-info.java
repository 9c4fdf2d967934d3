/** Verification of many shards at once, and its results recorded durably in the store for the fleet. */
package io.des.verify;

/** Real servers for tests: a KRaft broker with Connect workers, and mariadbd processes. */
package dev.tandem.testkit;

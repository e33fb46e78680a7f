/** placeholder */ package io.hpsearch.coordinator;

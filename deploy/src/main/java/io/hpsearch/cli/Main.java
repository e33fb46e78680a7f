package io.hpsearch.cli;

public final class Main {
    public static void main(String[] args) {
        System.out.println("hpsearch");
    }
}

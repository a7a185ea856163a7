/// SipHash-2-4, the hash systemd uses for over-long unit names (unit_name_hash_long()).
enum SipHash24 {
    static func hash(_ data: [UInt8], key: [UInt8]) -> UInt64 {
        precondition(key.count == 16)
        func load(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
        }
        func rotl(_ x: UInt64, _ b: UInt64) -> UInt64 { (x << b) | (x >> (64 - b)) }
        let k0 = load(key, 0)
        let k1 = load(key, 8)
        var v0: UInt64 = 0x736f_6d65_7073_6575 ^ k0
        var v1: UInt64 = 0x646f_7261_6e64_6f6d ^ k1
        var v2: UInt64 = 0x6c79_6765_6e65_7261 ^ k0
        var v3: UInt64 = 0x7465_6462_7974_6573 ^ k1
        func round() {
            v0 &+= v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
            v2 &+= v3; v3 = rotl(v3, 16); v3 ^= v2
            v0 &+= v3; v3 = rotl(v3, 21); v3 ^= v0
            v2 &+= v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
        }
        let blocks = data.count / 8
        for block in 0..<blocks {
            let m = load(data, block * 8)
            v3 ^= m
            round(); round()
            v0 ^= m
        }
        var last = UInt64(data.count & 0xff) << 56
        for (i, byte) in data[(blocks * 8)...].enumerated() {
            last |= UInt64(byte) << (8 * UInt64(i))
        }
        v3 ^= last
        round(); round()
        v0 ^= last
        v2 ^= 0xff
        round(); round(); round(); round()
        return v0 ^ v1 ^ v2 ^ v3
    }
}

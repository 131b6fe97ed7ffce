namespace Phosphene.Imaging;

/// <summary>
/// The built-in colormaps, each given by its published 256-entry table (8-bit sRGB) and linearly interpolated between
/// entries. Look one up by name with <see cref="Colormap.Named"/>.
/// </summary>
public static class Colormaps
{
    /// <summary><c>viridis</c>: perceptually uniform, dark purple to yellow (van der Walt and Smith, matplotlib 2015; CC0).</summary>
    public static Colormap Viridis { get; } = Colormap.FromHex("viridis", """
        440154 440256 450457 450559 46075a 46085c 460a5d 460b5e 470d60 470e61 471063 471164 471365 481467 481668 481769
        48186a 481a6c 481b6d 481c6e 481d6f 481f70 482071 482173 482374 482475 482576 482677 482878 482979 472a7a 472c7a
        472d7b 472e7c 472f7d 46307e 46327e 46337f 463480 453581 453781 453882 443983 443a83 443b84 433d84 433e85 423f85
        424086 424186 414287 414487 404588 404688 3f4788 3f4889 3e4989 3e4a89 3e4c8a 3d4d8a 3d4e8a 3c4f8a 3c508b 3b518b
        3b528b 3a538b 3a548c 39558c 39568c 38588c 38598c 375a8c 375b8d 365c8d 365d8d 355e8d 355f8d 34608d 34618d 33628d
        33638d 32648e 32658e 31668e 31678e 31688e 30698e 306a8e 2f6b8e 2f6c8e 2e6d8e 2e6e8e 2e6f8e 2d708e 2d718e 2c718e
        2c728e 2c738e 2b748e 2b758e 2a768e 2a778e 2a788e 29798e 297a8e 297b8e 287c8e 287d8e 277e8e 277f8e 27808e 26818e
        26828e 26828e 25838e 25848e 25858e 24868e 24878e 23888e 23898e 238a8d 228b8d 228c8d 228d8d 218e8d 218f8d 21908d
        21918c 20928c 20928c 20938c 1f948c 1f958b 1f968b 1f978b 1f988b 1f998a 1f9a8a 1e9b8a 1e9c89 1e9d89 1f9e89 1f9f88
        1fa088 1fa188 1fa187 1fa287 20a386 20a486 21a585 21a685 22a785 22a884 23a983 24aa83 25ab82 25ac82 26ad81 27ad81
        28ae80 29af7f 2ab07f 2cb17e 2db27d 2eb37c 2fb47c 31b57b 32b67a 34b679 35b779 37b878 38b977 3aba76 3bbb75 3dbc74
        3fbc73 40bd72 42be71 44bf70 46c06f 48c16e 4ac16d 4cc26c 4ec36b 50c46a 52c569 54c568 56c667 58c765 5ac864 5cc863
        5ec962 60ca60 63cb5f 65cb5e 67cc5c 69cd5b 6ccd5a 6ece58 70cf57 73d056 75d054 77d153 7ad151 7cd250 7fd34e 81d34d
        84d44b 86d549 89d548 8bd646 8ed645 90d743 93d741 95d840 98d83e 9bd93c 9dd93b a0da39 a2da37 a5db36 a8db34 aadc32
        addc30 b0dd2f b2dd2d b5de2b b8de29 bade28 bddf26 c0df25 c2df23 c5e021 c8e020 cae11f cde11d d0e11c d2e21b d5e21a
        d8e219 dae319 dde318 dfe318 e2e418 e5e419 e7e419 eae51a ece51b efe51c f1e51d f4e61e f6e620 f8e621 fbe723 fde725
        """);

    /// <summary><c>magma</c>: perceptually uniform, black through purple and orange to pale yellow (van der Walt and Smith, matplotlib 2015; CC0).</summary>
    public static Colormap Magma { get; } = Colormap.FromHex("magma", """
        000004 010005 010106 010108 020109 02020b 02020d 03030f 030312 040414 050416 060518 06051a 07061c 08071e 090720
        0a0822 0b0924 0c0926 0d0a29 0e0b2b 100b2d 110c2f 120d31 130d34 140e36 150e38 160f3b 180f3d 19103f 1a1042 1c1044
        1d1147 1e1149 20114b 21114e 221150 241253 251255 271258 29115a 2a115c 2c115f 2d1161 2f1163 311165 331067 341069
        36106b 38106c 390f6e 3b0f70 3d0f71 3f0f72 400f74 420f75 440f76 451077 471078 491078 4a1079 4c117a 4e117b 4f127b
        51127c 52137c 54137d 56147d 57157e 59157e 5a167e 5c167f 5d177f 5f187f 601880 621980 641a80 651a80 671b80 681c81
        6a1c81 6b1d81 6d1d81 6e1e81 701f81 721f81 732081 752181 762181 782281 792282 7b2382 7c2382 7e2482 802582 812581
        832681 842681 862781 882781 892881 8b2981 8c2981 8e2a81 902a81 912b81 932b80 942c80 962c80 982d80 992d80 9b2e7f
        9c2e7f 9e2f7f a02f7f a1307e a3307e a5317e a6317d a8327d aa337d ab337c ad347c ae347b b0357b b2357b b3367a b5367a
        b73779 b83779 ba3878 bc3978 bd3977 bf3a77 c03a76 c23b75 c43c75 c53c74 c73d73 c83e73 ca3e72 cc3f71 cd4071 cf4070
        d0416f d2426f d3436e d5446d d6456c d8456c d9466b db476a dc4869 de4968 df4a68 e04c67 e24d66 e34e65 e44f64 e55064
        e75263 e85362 e95462 ea5661 eb5760 ec5860 ed5a5f ee5b5e ef5d5e f05f5e f1605d f2625d f2645c f3655c f4675c f4695c
        f56b5c f66c5c f66e5c f7705c f7725c f8745c f8765c f9785d f9795d f97b5d fa7d5e fa7f5e fa815f fb835f fb8560 fb8761
        fc8961 fc8a62 fc8c63 fc8e64 fc9065 fd9266 fd9467 fd9668 fd9869 fd9a6a fd9b6b fe9d6c fe9f6d fea16e fea36f fea571
        fea772 fea973 feaa74 feac76 feae77 feb078 feb27a feb47b feb67c feb77e feb97f febb81 febd82 febf84 fec185 fec287
        fec488 fec68a fec88c feca8d fecc8f fecd90 fecf92 fed194 fed395 fed597 fed799 fed89a fdda9c fddc9e fddea0 fde0a1
        fde2a3 fde3a5 fde5a7 fde7a9 fde9aa fdebac fcecae fceeb0 fcf0b2 fcf2b4 fcf4b6 fcf6b8 fcf7b9 fcf9bb fcfbbd fcfdbf
        """);

    /// <summary><c>turbo</c>: rainbow-like with smooth lightness, dark blue through green to dark red (Mikhailov, Google 2019; Apache-2.0).</summary>
    public static Colormap Turbo { get; } = Colormap.FromHex("turbo", """
        30123b 321543 33184a 341b51 351e58 36215f 372466 38276d 392a73 3a2d79 3b2f80 3c3286 3d358b 3e3891 3f3b97 3f3e9c
        4040a2 4143a7 4146ac 4249b1 424bb5 434eba 4451bf 4454c3 4456c7 4559cb 455ccf 455ed3 4661d6 4664da 4666dd 4669e0
        466be3 476ee6 4771e9 4773eb 4776ee 4778f0 477bf2 467df4 4680f6 4682f8 4685fa 4687fb 458afc 458cfd 448ffe 4391fe
        4294ff 4196ff 4099ff 3e9bfe 3d9efe 3ba0fd 3aa3fc 38a5fb 37a8fa 35abf8 33adf7 31aff5 2fb2f4 2eb4f2 2cb7f0 2ab9ee
        28bceb 27bee9 25c0e7 23c3e4 22c5e2 20c7df 1fc9dd 1ecbda 1ccdd8 1bd0d5 1ad2d2 1ad4d0 19d5cd 18d7ca 18d9c8 18dbc5
        18ddc2 18dec0 18e0bd 19e2bb 19e3b9 1ae4b6 1ce6b4 1de7b2 1fe9af 20eaac 22ebaa 25eca7 27eea4 2aefa1 2cf09e 2ff19b
        32f298 35f394 38f491 3cf58e 3ff68a 43f787 46f884 4af880 4ef97d 52fa7a 55fa76 59fb73 5dfc6f 61fc6c 65fd69 69fd66
        6dfe62 71fe5f 75fe5c 79fe59 7dff56 80ff53 84ff51 88ff4e 8bff4b 8fff49 92ff47 96fe44 99fe42 9cfe40 9ffd3f a1fd3d
        a4fc3c a7fc3a a9fb39 acfb38 affa37 b1f936 b4f836 b7f735 b9f635 bcf534 bef434 c1f334 c3f134 c6f034 c8ef34 cbed34
        cdec34 d0ea34 d2e935 d4e735 d7e535 d9e436 dbe236 dde037 dfdf37 e1dd37 e3db38 e5d938 e7d739 e9d539 ebd339 ecd13a
        eecf3a efcd3a f1cb3a f2c93a f4c73a f5c53a f6c33a f7c13a f8be39 f9bc39 faba39 fbb838 fbb637 fcb336 fcb136 fdae35
        fdac34 fea933 fea732 fea431 fea130 fe9e2f fe9b2d fe992c fe962b fe932a fe9029 fd8d27 fd8a26 fc8725 fc8423 fb8122
        fb7e21 fa7b1f f9781e f9751d f8721c f76f1a f66c19 f56918 f46617 f36315 f26014 f15d13 f05b12 ef5811 ed5510 ec530f
        eb500e ea4e0d e84b0c e7490c e5470b e4450a e2430a e14109 df3f08 dd3d08 dc3b07 da3907 d83706 d63506 d43305 d23105
        d02f05 ce2d04 cc2b04 ca2a04 c82803 c52603 c32503 c12302 be2102 bc2002 b91e02 b71d02 b41b01 b21a01 af1801 ac1701
        a91601 a71401 a41301 a11201 9e1001 9b0f01 980e01 950d01 920b01 8e0a01 8b0902 880802 850702 810602 7e0502 7a0403
        """);

    /// <summary><c>rdbu</c>: diverging: blue for low, near-white at the centre, red for high (ColorBrewer RdBu reversed; Brewer 2002).</summary>
    public static Colormap RedBlue { get; } = Colormap.FromHex("rdbu", """
        053061 063264 073467 08366a 09386d 0a3b70 0c3d73 0d3f76 0e4179 0f437b 10457e 114781 124984 134c87 144e8a 15508d
        175290 185493 195696 1a5899 1b5a9c 1c5c9f 1d5fa2 1e61a5 1f63a8 2065ab 2267ac 2369ad 246aae 266caf 276eb0 2870b1
        2a71b2 2b73b3 2c75b4 2e77b5 2f79b5 307ab6 327cb7 337eb8 3480b9 3681ba 3783bb 3885bc 3a87bd 3b88be 3c8abe 3e8cbf
        3f8ec0 408fc1 4291c2 4393c3 4695c4 4997c5 4c99c6 4f9bc7 529dc8 569fc9 59a1ca 5ca3cb 5fa5cd 62a7ce 65a9cf 68abd0
        6bacd1 6eaed2 71b0d3 75b2d4 78b4d5 7bb6d6 7eb8d7 81bad8 84bcd9 87beda 8ac0db 8dc2dc 90c4dd 93c6de 96c7df 98c8e0
        9bc9e0 9dcbe1 a0cce2 a2cde3 a5cee3 a7d0e4 a9d1e5 acd2e5 aed3e6 b1d5e7 b3d6e8 b6d7e8 b8d8e9 bbdaea bddbea c0dceb
        c2ddec c5dfec c7e0ed cae1ee cce2ef cfe4ef d1e5f0 d2e6f0 d4e6f1 d5e7f1 d7e8f1 d8e9f1 dae9f2 dbeaf2 ddebf2 deebf2
        e0ecf3 e1edf3 e3edf3 e4eef4 e6eff4 e7f0f4 e9f0f4 eaf1f5 ecf2f5 edf2f5 eff3f5 f0f4f6 f2f5f6 f3f5f6 f5f6f7 f6f7f7
        f7f6f6 f7f5f4 f8f4f2 f8f3f0 f8f2ef f8f1ed f9f0eb f9efe9 f9eee7 f9ede5 f9ebe3 faeae1 fae9df fae8de fae7dc fbe6da
        fbe5d8 fbe4d6 fbe3d4 fce2d2 fce0d0 fcdfcf fcdecd fdddcb fddcc9 fddbc7 fdd9c4 fcd7c2 fcd5bf fcd3bc fbd0b9 fbceb7
        fbccb4 facab1 fac8af f9c6ac f9c4a9 f9c2a7 f8bfa4 f8bda1 f8bb9e f7b99c f7b799 f7b596 f6b394 f6b191 f6af8e f5ac8b
        f5aa89 f5a886 f4a683 f3a481 f2a17f f19e7d f09c7b ef9979 ee9677 ec9374 eb9172 ea8e70 e98b6e e8896c e6866a e58368
        e48066 e37e64 e27b62 e17860 df765e de735c dd7059 dc6e57 db6b55 da6853 d86551 d7634f d6604d d55d4c d35a4a d25849
        d05548 cf5246 ce4f45 cc4c44 cb4942 c94741 c84440 c6413e c53e3d c43b3c c2383a c13639 bf3338 be3036 bd2d35 bb2a34
        ba2832 b82531 b72230 b61f2e b41c2d b3192c b1182b ae172a ab162a a81529 a51429 a21328 9f1228 9c1127 991027 960f27
        930e26 900d26 8d0c25 8a0b25 870a24 840924 810823 7f0823 7c0722 790622 760521 730421 700320 6d0220 6a011f 67001f
        """);

    /// <summary><c>gray</c>: black to white.</summary>
    public static Colormap Gray { get; } = Colormap.FromHex("gray", "000000 ffffff");

    /// <summary>Every built-in colormap.</summary>
    public static IReadOnlyList<Colormap> All { get; } = [Viridis, Magma, Turbo, RedBlue, Gray];
}

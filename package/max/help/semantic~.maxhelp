{
  "patcher": {
    "fileversion": 1,
    "appversion": {
      "major": 8,
      "minor": 6,
      "revision": 0,
      "architecture": "x64",
      "modernui": 1
    },
    "classnamespace": "box",
    "rect": [
      80,
      80,
      1000,
      680
    ],
    "bglocked": 0,
    "openinpresentation": 0,
    "default_fontsize": 12.0,
    "default_fontface": 0,
    "default_fontname": "Arial",
    "gridsize": [
      15.0,
      15.0
    ],
    "boxes": [
      {
        "box": {
          "id": "obj-1",
          "maxclass": "comment",
          "numinlets": 1,
          "numoutlets": 0,
          "patching_rect": [
            20.0,
            10.0,
            600.0,
            24.0
          ],
          "fontsize": 16.0,
          "text": "semantic~: play a neural audio generator by perceptual descriptors"
        }
      },
      {
        "box": {
          "id": "obj-2",
          "maxclass": "comment",
          "numinlets": 1,
          "numoutlets": 0,
          "patching_rect": [
            20.0,
            36.0,
            760.0,
            34.0
          ],
          "text": "Each inlet takes a descriptor target as a signal, in the bundle's normalised units (0..1 spans what the model can do; 0 = leave it free). Messages go to the left inlet. Turn audio on (ezdac~)."
        }
      },
      {
        "box": {
          "id": "obj-3",
          "maxclass": "comment",
          "numinlets": 1,
          "numoutlets": 0,
          "patching_rect": [
            20.0,
            78.0,
            120.0,
            20.0
          ],
          "text": "loudness"
        }
      },
      {
        "box": {
          "id": "obj-4",
          "maxclass": "flonum",
          "numinlets": 1,
          "numoutlets": 2,
          "patching_rect": [
            20.0,
            100.0,
            60.0,
            22.0
          ],
          "outlettype": [
            "",
            "bang"
          ],
          "format": 6
        }
      },
      {
        "box": {
          "id": "obj-5",
          "maxclass": "newobj",
          "numinlets": 1,
          "numoutlets": 1,
          "patching_rect": [
            20.0,
            130.0,
            40.0,
            22.0
          ],
          "outlettype": [
            "signal"
          ],
          "text": "sig~"
        }
      },
      {
        "box": {
          "id": "obj-6",
          "maxclass": "comment",
          "numinlets": 1,
          "numoutlets": 0,
          "patching_rect": [
            170.0,
            78.0,
            120.0,
            20.0
          ],
          "text": "brightness"
        }
      },
      {
        "box": {
          "id": "obj-7",
          "maxclass": "flonum",
          "numinlets": 1,
          "numoutlets": 2,
          "patching_rect": [
            170.0,
            100.0,
            60.0,
            22.0
          ],
          "outlettype": [
            "",
            "bang"
          ],
          "format": 6
        }
      },
      {
        "box": {
          "id": "obj-8",
          "maxclass": "newobj",
          "numinlets": 1,
          "numoutlets": 1,
          "patching_rect": [
            170.0,
            130.0,
            40.0,
            22.0
          ],
          "outlettype": [
            "signal"
          ],
          "text": "sig~"
        }
      },
      {
        "box": {
          "id": "obj-9",
          "maxclass": "comment",
          "numinlets": 1,
          "numoutlets": 0,
          "patching_rect": [
            320.0,
            78.0,
            120.0,
            20.0
          ],
          "text": "roughness"
        }
      },
      {
        "box": {
          "id": "obj-10",
          "maxclass": "flonum",
          "numinlets": 1,
          "numoutlets": 2,
          "patching_rect": [
            320.0,
            100.0,
            60.0,
            22.0
          ],
          "outlettype": [
            "",
            "bang"
          ],
          "format": 6
        }
      },
      {
        "box": {
          "id": "obj-11",
          "maxclass": "newobj",
          "numinlets": 1,
          "numoutlets": 1,
          "patching_rect": [
            320.0,
            130.0,
            40.0,
            22.0
          ],
          "outlettype": [
            "signal"
          ],
          "text": "sig~"
        }
      },
      {
        "box": {
          "id": "obj-12",
          "maxclass": "comment",
          "numinlets": 1,
          "numoutlets": 0,
          "patching_rect": [
            470.0,
            78.0,
            120.0,
            20.0
          ],
          "text": "f0"
        }
      },
      {
        "box": {
          "id": "obj-13",
          "maxclass": "flonum",
          "numinlets": 1,
          "numoutlets": 2,
          "patching_rect": [
            470.0,
            100.0,
            60.0,
            22.0
          ],
          "outlettype": [
            "",
            "bang"
          ],
          "format": 6
        }
      },
      {
        "box": {
          "id": "obj-14",
          "maxclass": "newobj",
          "numinlets": 1,
          "numoutlets": 1,
          "patching_rect": [
            470.0,
            130.0,
            40.0,
            22.0
          ],
          "outlettype": [
            "signal"
          ],
          "text": "sig~"
        }
      },
      {
        "box": {
          "id": "obj-15",
          "maxclass": "newobj",
          "numinlets": 4,
          "numoutlets": 14,
          "patching_rect": [
            20.0,
            330.0,
            560.0,
            22.0
          ],
          "outlettype": [
            "signal",
            "signal",
            "signal",
            "signal",
            "signal",
            "signal",
            "signal",
            "signal",
            "signal",
            "signal",
            "signal",
            "signal",
            "signal",
            ""
          ],
          "text": "semantic~ ../bundles/demo.semantic @descriptors loudness brightness roughness f0"
        }
      },
      {
        "box": {
          "id": "obj-16",
          "maxclass": "message",
          "numinlets": 2,
          "numoutlets": 1,
          "patching_rect": [
            640.0,
            100.0,
            94.0,
            22.0
          ],
          "outlettype": [
            ""
          ],
          "text": "mode control"
        }
      },
      {
        "box": {
          "id": "obj-17",
          "maxclass": "message",
          "numinlets": 2,
          "numoutlets": 1,
          "patching_rect": [
            640.0,
            126.0,
            87.0,
            22.0
          ],
          "outlettype": [
            ""
          ],
          "text": "mode latent"
        }
      },
      {
        "box": {
          "id": "obj-18",
          "maxclass": "message",
          "numinlets": 2,
          "numoutlets": 1,
          "patching_rect": [
            640.0,
            152.0,
            40.0,
            22.0
          ],
          "outlettype": [
            ""
          ],
          "text": "info"
        }
      },
      {
        "box": {
          "id": "obj-19",
          "maxclass": "message",
          "numinlets": 2,
          "numoutlets": 1,
          "patching_rect": [
            640.0,
            178.0,
            66.0,
            22.0
          ],
          "outlettype": [
            ""
          ],
          "text": "bypass 1"
        }
      },
      {
        "box": {
          "id": "obj-20",
          "maxclass": "message",
          "numinlets": 2,
          "numoutlets": 1,
          "patching_rect": [
            640.0,
            204.0,
            66.0,
            22.0
          ],
          "outlettype": [
            ""
          ],
          "text": "bypass 0"
        }
      },
      {
        "box": {
          "id": "obj-21",
          "maxclass": "message",
          "numinlets": 2,
          "numoutlets": 1,
          "patching_rect": [
            640.0,
            230.0,
            255.0,
            22.0
          ],
          "outlettype": [
            ""
          ],
          "text": "target brightness 0.8 roughness 0.2"
        }
      },
      {
        "box": {
          "id": "obj-22",
          "maxclass": "message",
          "numinlets": 2,
          "numoutlets": 1,
          "patching_rect": [
            640.0,
            256.0,
            129.0,
            22.0
          ],
          "outlettype": [
            ""
          ],
          "text": "latent 0 1.5 3 -1"
        }
      },
      {
        "box": {
          "id": "obj-23",
          "maxclass": "message",
          "numinlets": 2,
          "numoutlets": 1,
          "patching_rect": [
            640.0,
            282.0,
            227.0,
            22.0
          ],
          "outlettype": [
            ""
          ],
          "text": "load ../bundles/demo_b.semantic"
        }
      },
      {
        "box": {
          "id": "obj-24",
          "maxclass": "message",
          "numinlets": 2,
          "numoutlets": 1,
          "patching_rect": [
            640.0,
            308.0,
            213.0,
            22.0
          ],
          "outlettype": [
            ""
          ],
          "text": "load ../bundles/demo.semantic"
        }
      },
      {
        "box": {
          "id": "obj-25",
          "maxclass": "comment",
          "numinlets": 1,
          "numoutlets": 0,
          "patching_rect": [
            20.0,
            360.0,
            760.0,
            34.0
          ],
          "text": "outlets: audio | latent 0..7 (signals, for other nn~ objects) | predicted loudness brightness roughness f0 (signals) | messages (info, underruns)"
        }
      },
      {
        "box": {
          "id": "obj-26",
          "maxclass": "newobj",
          "numinlets": 2,
          "numoutlets": 1,
          "patching_rect": [
            20.0,
            400.0,
            52.0,
            22.0
          ],
          "outlettype": [
            "signal"
          ],
          "text": "*~ 0.5"
        }
      },
      {
        "box": {
          "id": "obj-27",
          "maxclass": "ezdac~",
          "numinlets": 2,
          "numoutlets": 0,
          "patching_rect": [
            20.0,
            440.0,
            45.0,
            45.0
          ]
        }
      },
      {
        "box": {
          "id": "obj-28",
          "maxclass": "newobj",
          "numinlets": 2,
          "numoutlets": 1,
          "patching_rect": [
            120.0,
            400.0,
            101.0,
            22.0
          ],
          "outlettype": [
            ""
          ],
          "text": "snapshot~ 100"
        }
      },
      {
        "box": {
          "id": "obj-29",
          "maxclass": "flonum",
          "numinlets": 1,
          "numoutlets": 2,
          "patching_rect": [
            120.0,
            430.0,
            60.0,
            22.0
          ],
          "outlettype": [
            "",
            "bang"
          ],
          "format": 6
        }
      },
      {
        "box": {
          "id": "obj-30",
          "maxclass": "comment",
          "numinlets": 1,
          "numoutlets": 0,
          "patching_rect": [
            120.0,
            455.0,
            80.0,
            20.0
          ],
          "text": "latent 0"
        }
      },
      {
        "box": {
          "id": "obj-31",
          "maxclass": "newobj",
          "numinlets": 2,
          "numoutlets": 1,
          "patching_rect": [
            240.0,
            400.0,
            101.0,
            22.0
          ],
          "outlettype": [
            ""
          ],
          "text": "snapshot~ 100"
        }
      },
      {
        "box": {
          "id": "obj-32",
          "maxclass": "flonum",
          "numinlets": 1,
          "numoutlets": 2,
          "patching_rect": [
            240.0,
            430.0,
            60.0,
            22.0
          ],
          "outlettype": [
            "",
            "bang"
          ],
          "format": 6
        }
      },
      {
        "box": {
          "id": "obj-33",
          "maxclass": "comment",
          "numinlets": 1,
          "numoutlets": 0,
          "patching_rect": [
            240.0,
            455.0,
            100.0,
            20.0
          ],
          "text": "loudness now"
        }
      },
      {
        "box": {
          "id": "obj-34",
          "maxclass": "newobj",
          "numinlets": 2,
          "numoutlets": 1,
          "patching_rect": [
            350.0,
            400.0,
            101.0,
            22.0
          ],
          "outlettype": [
            ""
          ],
          "text": "snapshot~ 100"
        }
      },
      {
        "box": {
          "id": "obj-35",
          "maxclass": "flonum",
          "numinlets": 1,
          "numoutlets": 2,
          "patching_rect": [
            350.0,
            430.0,
            60.0,
            22.0
          ],
          "outlettype": [
            "",
            "bang"
          ],
          "format": 6
        }
      },
      {
        "box": {
          "id": "obj-36",
          "maxclass": "comment",
          "numinlets": 1,
          "numoutlets": 0,
          "patching_rect": [
            350.0,
            455.0,
            100.0,
            20.0
          ],
          "text": "brightness now"
        }
      },
      {
        "box": {
          "id": "obj-37",
          "maxclass": "newobj",
          "numinlets": 2,
          "numoutlets": 1,
          "patching_rect": [
            460.0,
            400.0,
            101.0,
            22.0
          ],
          "outlettype": [
            ""
          ],
          "text": "snapshot~ 100"
        }
      },
      {
        "box": {
          "id": "obj-38",
          "maxclass": "flonum",
          "numinlets": 1,
          "numoutlets": 2,
          "patching_rect": [
            460.0,
            430.0,
            60.0,
            22.0
          ],
          "outlettype": [
            "",
            "bang"
          ],
          "format": 6
        }
      },
      {
        "box": {
          "id": "obj-39",
          "maxclass": "comment",
          "numinlets": 1,
          "numoutlets": 0,
          "patching_rect": [
            460.0,
            455.0,
            100.0,
            20.0
          ],
          "text": "roughness now"
        }
      },
      {
        "box": {
          "id": "obj-40",
          "maxclass": "newobj",
          "numinlets": 2,
          "numoutlets": 1,
          "patching_rect": [
            570.0,
            400.0,
            101.0,
            22.0
          ],
          "outlettype": [
            ""
          ],
          "text": "snapshot~ 100"
        }
      },
      {
        "box": {
          "id": "obj-41",
          "maxclass": "flonum",
          "numinlets": 1,
          "numoutlets": 2,
          "patching_rect": [
            570.0,
            430.0,
            60.0,
            22.0
          ],
          "outlettype": [
            "",
            "bang"
          ],
          "format": 6
        }
      },
      {
        "box": {
          "id": "obj-42",
          "maxclass": "comment",
          "numinlets": 1,
          "numoutlets": 0,
          "patching_rect": [
            570.0,
            455.0,
            100.0,
            20.0
          ],
          "text": "f0 now"
        }
      },
      {
        "box": {
          "id": "obj-43",
          "maxclass": "newobj",
          "numinlets": 1,
          "numoutlets": 0,
          "patching_rect": [
            700.0,
            400.0,
            115.0,
            22.0
          ],
          "text": "print semantic~"
        }
      },
      {
        "box": {
          "id": "obj-44",
          "maxclass": "comment",
          "numinlets": 1,
          "numoutlets": 0,
          "patching_rect": [
            20.0,
            500.0,
            760.0,
            20.0
          ],
          "text": "Bundles are folders written by python -m engine.build; paths are relative to this patch. See also [semantic.heatmap]."
        }
      }
    ],
    "lines": [
      {
        "patchline": {
          "source": [
            "obj-4",
            0
          ],
          "destination": [
            "obj-5",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-7",
            0
          ],
          "destination": [
            "obj-8",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-10",
            0
          ],
          "destination": [
            "obj-11",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-13",
            0
          ],
          "destination": [
            "obj-14",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-16",
            0
          ],
          "destination": [
            "obj-15",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-17",
            0
          ],
          "destination": [
            "obj-15",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-18",
            0
          ],
          "destination": [
            "obj-15",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-19",
            0
          ],
          "destination": [
            "obj-15",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-20",
            0
          ],
          "destination": [
            "obj-15",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-21",
            0
          ],
          "destination": [
            "obj-15",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-22",
            0
          ],
          "destination": [
            "obj-15",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-23",
            0
          ],
          "destination": [
            "obj-15",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-24",
            0
          ],
          "destination": [
            "obj-15",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-5",
            0
          ],
          "destination": [
            "obj-15",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-8",
            0
          ],
          "destination": [
            "obj-15",
            1
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-11",
            0
          ],
          "destination": [
            "obj-15",
            2
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-14",
            0
          ],
          "destination": [
            "obj-15",
            3
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-15",
            0
          ],
          "destination": [
            "obj-26",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-26",
            0
          ],
          "destination": [
            "obj-27",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-26",
            0
          ],
          "destination": [
            "obj-27",
            1
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-15",
            1
          ],
          "destination": [
            "obj-28",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-28",
            0
          ],
          "destination": [
            "obj-29",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-15",
            9
          ],
          "destination": [
            "obj-31",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-31",
            0
          ],
          "destination": [
            "obj-32",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-15",
            10
          ],
          "destination": [
            "obj-34",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-34",
            0
          ],
          "destination": [
            "obj-35",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-15",
            11
          ],
          "destination": [
            "obj-37",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-37",
            0
          ],
          "destination": [
            "obj-38",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-15",
            12
          ],
          "destination": [
            "obj-40",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-40",
            0
          ],
          "destination": [
            "obj-41",
            0
          ]
        }
      },
      {
        "patchline": {
          "source": [
            "obj-15",
            13
          ],
          "destination": [
            "obj-43",
            0
          ]
        }
      }
    ],
    "dependency_cache": [],
    "autosave": 0
  }
}

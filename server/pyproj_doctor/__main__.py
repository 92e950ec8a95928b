from pyproj_doctor.cli import main

raise SystemExit(main())
